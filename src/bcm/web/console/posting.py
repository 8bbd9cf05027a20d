"""The post form: a label picker offering only the labels the author may use in the body,
paragraphs with their portion marks, and each validation error next to its field.

The picker is a convenience, not the check: whatever the browser sends goes through the same
``items.post_item`` as the API (ceiling, clearance, marking rules), and its refusal is shown
next to the field it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from bcm.auth.directory import Credential
from bcm.errors import Forbidden, InvalidInput
from bcm.services import items
from bcm.web.console import csrf, queries
from bcm.web.console.access import ConsoleRoute, Reader, form_value
from bcm.web.console.i18n import language_of, translator
from bcm.web.console.rendering import page, secure
from bcm.web.security import call_service

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Ref = Annotated[str, PathParam(min_length=1, max_length=200)]
ROWS = 3
INDEXED = re.compile(r"^paragraphs\[(\d+)\]\.(mark|text)$")


@dataclass
class Draft:
    """What the author typed: the label, and each row's portion mark and text."""

    label: str = ""
    marks: list[str] = field(default_factory=lambda: [""] * ROWS)
    texts: list[str] = field(default_factory=lambda: [""] * ROWS)
    errors: dict[str, str] = field(default_factory=dict)
    supersedes: str = ""

    @classmethod
    def of(cls, form: FormData) -> Draft:
        """The draft from a submitted form (missing rows are empty)."""
        marks = [m if isinstance(m, str) else "" for m in form.getlist("mark")][:ROWS]
        texts = [t if isinstance(t, str) else "" for t in form.getlist("text")][:ROWS]
        marks += [""] * (ROWS - len(marks))
        texts += [""] * (ROWS - len(texts))
        supersedes = form_value(form, "supersedes").strip()[:200]
        return cls(form_value(form, "label").strip(), marks, texts, supersedes=supersedes)

    def rows(self) -> list[int]:
        """The rows the author wrote something in."""
        return [i for i in range(ROWS) if self.texts[i].strip()]


def _form(request: Request, form: queries.PostForm, draft: Draft, status: int = 200) -> Response:
    return page(
        request,
        "post.html",
        person=form.person,
        body=form.body,
        choices=form.choices,
        draft=draft,
        rows=range(ROWS),
        status=status,
        nav="bodies",
    )


@router.get("/bodies/{ref}/post")
async def post_form(
    ref: Ref,
    request: Request,
    found: Reader,
    supersedes: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The empty post form; with ``supersedes``, a correction of that item."""
    form = await call_service(request, found, queries.post_form, ref)
    return _form(request, form, Draft(supersedes=supersedes))


@router.post("/bodies/{ref}/post")
async def post(ref: Ref, request: Request, found: Reader) -> Response:
    """Post the draft; back to the timeline, or the form with errors beside their fields."""
    submitted = await request.form()
    csrf.check(request, form_value(submitted, csrf.FIELD))
    form = await call_service(request, found, queries.post_form, ref)
    draft = Draft.of(submitted)
    rows = draft.rows()
    t = translator(language_of(request))
    draft.errors = {name: t(f"post.error.{key}") for name, key in _check(draft, rows).items()}
    if not draft.errors:
        try:
            await _post(request, found, form, draft, rows)
        except InvalidInput as error:
            draft.errors = {_field_of(error.field, rows): error.expected}
        except Forbidden as error:
            draft.errors = {"label": str(error)}
        else:
            return secure(RedirectResponse(f"/bodies/{form.body.key}", status_code=303))
    return _form(request, form, draft, status=422)


def _check(draft: Draft, rows: list[int]) -> dict[str, str]:
    """What the form can tell before the services do: something to post, marks on every
    paragraph or on none. Values are message keys."""
    if not rows:
        return {"text-0": "missing_text"}
    marked = [i for i in rows if draft.marks[i]]
    if marked and len(marked) != len(rows):
        first = next(i for i in rows if not draft.marks[i])
        return {f"mark-{first}": "mark_every_paragraph"}
    return {}


async def _post(
    request: Request, found: Credential, form: queries.PostForm, draft: Draft, rows: list[int]
) -> None:
    label = draft.label or None
    body = form.body.id
    corrects = draft.supersedes or None
    if any(draft.marks[i] for i in rows):
        pairs = tuple((draft.marks[i], draft.texts[i]) for i in rows)
        await call_service(
            request,
            found,
            items.post_item,
            body,
            label=label,
            paragraphs=pairs,
            supersedes=corrects,
        )
    else:
        text = "\n\n".join(draft.texts[i].strip() for i in rows)
        await call_service(
            request, found, items.post_item, body, label=label, text=text, supersedes=corrects
        )


def _field_of(name: str, rows: list[int]) -> str:
    """The form field a service error names: ``paragraphs[1].mark`` is the mark of the second
    row written in; ``text`` is the first row's text."""
    matched = INDEXED.match(name)
    if matched:
        index = int(matched.group(1))
        row = rows[index] if index < len(rows) else 0
        return f"{matched.group(2)}-{row}"
    if name == "text":
        return f"text-{rows[0] if rows else 0}"
    return "supersedes" if name == "supersedes" else "label"

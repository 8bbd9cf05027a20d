"""Per-reader views: only what a reader's clearance allows, decided by the marking core.

Rules (issue #3): a paragraph is decided by its own portion mark; every part without a mark of
its own (routing and addressees, office lines, classification authority, tags, subject unless
marked, references, headings, footer, signature) takes the message's declared banner. A
withheld part is replaced by a notice that names the part but never its marking; the view's
banner is the roll-up of what is visible, and a partial view says so. The original
classification line and captions are replaced by the view's banner: they state the marking of
the whole message, which a partly cleared reader must not learn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bcm.cables import derive
from bcm.cables.marks import banner_label, portion_label
from bcm.cables.model import Paragraph, Telegram
from bcm.cables.render import (
    classified_by_line,
    field_lines,
    paragraph_lines,
    reference_lines,
    routing_lines,
)
from bcm.errors import MarkingError
from bcm.markings import Clearance, Label, decide, render_banner, rollup


@dataclass(frozen=True, slots=True)
class ViewPart:
    """One part of the view: its rendered lines, or None when withheld."""

    name: str  # "routing", "subject", "paragraph 9", ...
    lines: tuple[str, ...] | None
    label: Label | None  # the label the part was decided under (kept off the rendered view)

    @property
    def visible(self) -> bool:
        return self.lines is not None


@dataclass(frozen=True, slots=True)
class TelegramView:
    """What one reader may see of a telegram."""

    id: str | None
    banner: str
    parts: tuple[ViewPart, ...]

    @property
    def partial(self) -> bool:
        return any(not part.visible for part in self.parts)

    @property
    def withheld(self) -> tuple[str, ...]:
        return tuple(part.name for part in self.parts if not part.visible)


def _label(portion: str | None, declared: Label | None) -> Label | None:
    if portion is None:
        return declared
    try:
        return portion_label(portion)
    except MarkingError:
        return None  # a mark the core cannot read is withheld, never guessed


def view(message: Telegram, clearance: Clearance) -> TelegramView:
    """The view of ``message`` for a reader holding ``clearance``."""
    declared_text = derive.banner(message)
    declared = None
    if declared_text is not None:
        try:
            declared = banner_label(declared_text)
        except MarkingError:
            declared = None
    decisions: dict[Label, bool] = {}

    def allowed(label: Label | None) -> bool:
        if label is None:
            return False  # no readable marking: fail closed
        if label not in decisions:
            decisions[label] = decide(clearance, label).allowed
        return decisions[label]

    parts = [part for part in _parts(message, declared, allowed) if part is not None]
    visible = [part.label for part in parts if part.visible and part.label is not None]
    distinct = list(dict.fromkeys(visible))  # the roll-up of a set: each label once
    banner = render_banner(rollup(distinct)) if distinct else "UNCLASSIFIED"
    return TelegramView(derive.message_id(message), banner, tuple(parts))


Decider = Callable[[Label | None], bool]


def _part(name: str, lines: list[str], label: Label | None, allowed: Decider) -> ViewPart | None:
    if not lines:
        return None
    return ViewPart(name, tuple(lines) if allowed(label) else None, label)


def _parts(message: Telegram, declared: Label | None, allowed: Decider) -> list[ViewPart | None]:
    authority = list(field_lines(replace(message, tags=(), subject=None, subject_portion=None)))
    by = classified_by_line(message)
    subject_lines = list(
        field_lines(Telegram(subject=message.subject, subject_portion=message.subject_portion))
    )
    parts = [
        _part("routing and addressees", routing_lines(message), declared, allowed),
        _part("office lines", list(message.offices), declared, allowed),
        _part("classification authority", authority + ([by] if by else []), declared, allowed),
        _part("tags", list(field_lines(Telegram(tags=message.tags))), declared, allowed),
        _part("subject", subject_lines, _label(message.subject_portion, declared), allowed),
        _part("references", list(reference_lines(message)), declared, allowed),
    ]
    for paragraph in message.paragraphs:
        parts.extend(_paragraph_parts(paragraph, declared, allowed))
    parts.append(_part("footer", list(message.footer), declared, allowed))
    parts.append(
        _part("signature", [message.signature] if message.signature else [], declared, allowed)
    )
    return parts


def _paragraph_parts(
    paragraph: Paragraph, declared: Label | None, allowed: Decider
) -> list[ViewPart | None]:
    name = f"paragraph {paragraph.number}" if paragraph.number is not None else "unnumbered text"
    heading = None
    if paragraph.heading:
        heading_lines = list(paragraph_lines(Paragraph(None, None, "", paragraph.heading)))
        heading = _part(f"heading of {name}", heading_lines[:-1], declared, allowed)
    body_lines = list(paragraph_lines(replace(paragraph, heading=None)))
    return [heading, _part(name, body_lines, _label(paragraph.portion, declared), allowed)]


def _notices(names: list[str]) -> list[str]:
    """Notices for a run of withheld parts; a heading goes with its paragraph."""
    numbers = [name.removeprefix("paragraph ") for name in names if name.startswith("paragraph ")]
    others = [name for name in names if not name.startswith(("paragraph ", "heading of "))]
    lone_headings = [
        name
        for name in names
        if name.startswith("heading of ") and name.removeprefix("heading of ") not in names
    ]
    notices = [f"[{', '.join(others)} withheld]"] if others else []
    if len(numbers) == 1:
        notices.append(f"[paragraph {numbers[0]} withheld]")
    elif numbers:
        notices.append(f"[paragraphs {numbers[0]}-{numbers[-1]} withheld]")
    notices += ["[heading withheld]" for _ in lone_headings]
    return notices


def render_view(telegram_view: TelegramView) -> str:
    """The view as text: banner, partial-view statement, parts and notices, banner."""
    lines = [telegram_view.banner]
    ident = telegram_view.id or "telegram without id"
    if telegram_view.partial:
        count = len(telegram_view.withheld)
        lines.append(
            f"PARTIAL VIEW of {ident}: {count} of {len(telegram_view.parts)} parts are "
            "withheld from this reader."
        )
    else:
        lines.append(f"FULL VIEW of {ident}.")
    pending: list[str] = []
    for part in telegram_view.parts:
        if part.lines is None:
            pending.append(part.name)
            continue
        if pending:
            lines += ["", *_notices(pending)]
            pending = []
        lines += ["", *part.lines]
    if pending:
        lines += ["", *_notices(pending)]
    lines += ["", telegram_view.banner]
    return "\n".join(lines) + "\n"

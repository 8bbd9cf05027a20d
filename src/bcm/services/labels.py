"""Label input checks shared by services: parsing with the right field name, ceilings,
roll-up of portion marks. The rules themselves live in ``bcm.markings``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from bcm import markings
from bcm.domain.model import Body, Paragraph
from bcm.domain.policy import label_of
from bcm.errors import InvalidInput, MarkingError


def parse_as(text: str, field: str) -> markings.Label:
    """Parse a marking; a bad one is a :class:`MarkingError` naming ``field``."""
    try:
        return label_of(text)
    except MarkingError as error:
        raise MarkingError(
            error.text, error.problems, suggestion=error.suggestion, field=field
        ) from error


def check_within_ceiling(label: markings.Label, body: Body, field: str = "label") -> None:
    """A label above the body's ceiling is bad input naming ``field``."""
    if not _within(label_of(body.ceiling), label):
        raise InvalidInput(
            field, f"a label within body {body.key}'s ceiling {body.ceiling} (got {label})"
        )


def canonical_banner(text: str, field: str) -> str:
    """The canonical banner of a marking given as input (cached: inputs repeat)."""
    try:
        return _banner(text)
    except MarkingError as error:
        raise MarkingError(
            error.text, error.problems, suggestion=error.suggestion, field=field
        ) from error


@lru_cache(maxsize=4096)
def _banner(text: str) -> str:
    return str(label_of(text))


@lru_cache(maxsize=4096)
def _within(ceiling: markings.Label, label: markings.Label) -> bool:
    # `covers`, not `dominates`: the ceiling says who may be a member (everyone allowed the
    # ceiling must be allowed the item), so a plain SECRET ceiling admits CONFIDENTIAL//NOFORN
    # (no release decision already means U.S. eyes only) while a SECRET//REL TO USA, JPN
    # ceiling refuses SECRET//NOFORN.
    return markings.covers(ceiling, label)


def check_paragraphs(pairs: Sequence[tuple[str, str]]) -> tuple[tuple[Paragraph, ...], str]:
    """Portion-marked paragraphs in canonical form, and their roll-up banner."""
    paragraphs: list[Paragraph] = []
    labels: list[markings.Label] = []
    for index, (mark, text) in enumerate(pairs):
        label = parse_as(mark, f"paragraphs[{index}].mark")
        if not text.strip():
            raise InvalidInput(f"paragraphs[{index}].text", "non-empty text")
        labels.append(label)
        paragraphs.append(Paragraph(markings.render_portion(label), text))
    return tuple(paragraphs), str(markings.rollup(labels))


def item_label(
    label: str | None, text: str, pairs: Sequence[tuple[str, str]]
) -> tuple[str, tuple[Paragraph, ...]]:
    """The canonical banner of a new item and its paragraphs: either ``text`` with a
    ``label``, or portion-marked paragraphs whose roll-up is the label."""
    if pairs and text:
        raise InvalidInput("text", "either text or paragraphs, not both")
    if not pairs:
        if not text.strip():
            raise InvalidInput("text", "non-empty text (or portion-marked paragraphs)")
        if label is None:
            raise InvalidInput("label", "a security label such as SECRET//REL TO USA, JPN")
        return canonical_banner(label, "label"), ()
    paragraphs, banner = check_paragraphs(pairs)
    if label is not None and str(parse_as(label, "label")) != banner:
        raise InvalidInput("label", f"the roll-up of the paragraph marks, {banner}")
    return banner, paragraphs

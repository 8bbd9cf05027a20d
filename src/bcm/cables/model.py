"""The structured telegram: frozen values, one per part of the ACP-127 message and its text.

Everything a parser found is a field here, so rendering a parsed telegram keeps it. Values that
follow from other fields (the telegram id, the declared banner, the roll-up) are functions in
``bcm.cables.derive`` rather than stored copies that could disagree.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

_T = TypeVar("_T")


def _quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen slotted dataclass an ``__init__`` that stores each field through its slot
    descriptor: the same object, the same signature, a third of the cost. (The generated one
    looks ``object.__setattr__`` up and calls it by field name, to get past the frozen guard;
    the parser builds a few dozen of these per telegram.)"""
    names = [field.name for field in fields(cls)]  # type: ignore[arg-type]
    namespace: dict[str, Any] = {}
    params = []
    for field in fields(cls):  # type: ignore[arg-type]
        namespace[f"_set_{field.name}"] = getattr(cls, field.name).__set__
        if field.default is MISSING:
            params.append(field.name)
        else:
            namespace[f"_default_{field.name}"] = field.default
            params.append(f"{field.name}=_default_{field.name}")
    body = "".join(f"\n    _set_{name}(self, {name})" for name in names)
    # Source made of this module's own field names, as dataclasses itself makes its __init__.
    exec(f"def __init__(self, {', '.join(params)}):{body}", namespace)  # noqa: S102
    cls.__init__ = namespace["__init__"]  # type: ignore[method-assign]
    return cls


# FL5 precedence letters and the words used on addressee lines (5 FAH-1 H-221).
PRECEDENCE_WORDS: dict[str, str] = {
    "Z": "FLASH",
    "O": "IMMEDIATE",
    "P": "PRIORITY",
    "R": "ROUTINE",
}
PRECEDENCE_LETTERS: dict[str, str] = {word: letter for letter, word in PRECEDENCE_WORDS.items()}
# Addressee-line words, most urgent first; NIACT IMMEDIATE travels as prosign O.
ADDRESSEE_PRECEDENCES: tuple[str, ...] = (
    "FLASH",
    "NIACT IMMEDIATE",
    "IMMEDIATE",
    "PRIORITY",
    "ROUTINE",
)
# Classification-line words, lowest first.
LEVEL_WORDS: tuple[str, ...] = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET")


@_quick_init
@dataclass(frozen=True, slots=True)
class Addressee:
    """One TO/INFO line: ``RI/PLAD [PRECEDENCE] [MCN]``, plus FL9 ``XMT`` exclusions."""

    address: str
    routing_indicator: str | None = None
    precedence: str | None = None
    serial: str | None = None
    excluded: tuple[str, ...] = ()


@_quick_init
@dataclass(frozen=True, slots=True)
class Header:
    """ACP-127 format lines FL1-FL4 (older telegrams have none of them)."""

    transmission_id: str | None = None  # FL1 VZCZCXYZ0002
    prosign: str | None = None  # FL2 digraph, e.g. OO
    routing_indicators: tuple[str, ...] = ()  # FL2 receiving stations
    station: str | None = None  # FL3 originating station RI, e.g. RUEHKO
    station_serial: str | None = None  # FL3 #0445
    section: str | None = None  # FL3 /01
    filed: str | None = None  # FL3 Julian day + HHMM, e.g. 0572240
    security_warning: str | None = None  # FL4, e.g. ZNY SSSSS ZZH


@_quick_init
@dataclass(frozen=True, slots=True)
class Reference:
    """One item of the REF list; ``id`` is the canonical telegram id when it cites one."""

    label: str | None
    text: str
    id: str | None = None


@_quick_init
@dataclass(frozen=True, slots=True)
class Paragraph:
    """A numbered paragraph (``number`` is None for unnumbered text) and its portion mark.

    ``portion`` is canonical and without parentheses (``S//NF``); ``heading`` is the section
    heading printed above the paragraph, which carries no mark of its own.
    """

    number: int | None
    portion: str | None
    text: str
    heading: str | None = None


@_quick_init
@dataclass(frozen=True, slots=True)
class Telegram:
    """A formal message: header, addressees, the text's fields and its paragraphs."""

    header: Header | None = None
    precedence: str | None = None  # FL5 action precedence word
    info_precedence: str | None = None  # FL5 second letter, when given
    datetime: datetime | None = None  # the date-time group, UTC
    sender: str | None = None  # FM
    to: tuple[Addressee, ...] = ()
    info: tuple[Addressee, ...] = ()
    classification: str | None = None  # level word of the classification line
    post: str | None = None  # origin short name on the classification line
    number: int | None = None  # telegram number on the classification line
    section: tuple[int, int] | None = None  # SECTION nn OF mm
    captions: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    executive_order: str | None = None  # 12958 in "E.O. 12958: DECL: ..."
    declassify_on: str | None = None  # as written: a date or an event; None for N/A
    tags: tuple[str, ...] = ()
    subject: str | None = None
    subject_portion: str | None = None
    references: tuple[Reference, ...] = ()
    classified_by: str | None = None
    reasons: tuple[str, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    footer: tuple[str, ...] = ()
    signature: str | None = None
    preamble: tuple[str, ...] = ()  # lines before the message (publisher metadata, notes)
    warnings: tuple[str, ...] = ()

"""``lint(message) -> list[str]``: the consistency checks of cable-format.md §4.

Header checks compare the ACP-127 format lines with each other and with the text; marking
checks ask the marking core for each portion's label and compare its controls with the
declared banner's. Legacy portions without a foreign-release marking are not a finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from bcm.cables import derive
from bcm.cables.marks import banner_label, portion_label
from bcm.cables.model import PRECEDENCE_LETTERS, Telegram
from bcm.errors import MarkingError
from bcm.markings import Label

_WARNING_LETTER = {"UNCLASSIFIED": "U", "CONFIDENTIAL": "C", "SECRET": "S", "TOP SECRET": "T"}
_ORDER = "ZOPR"  # most urgent first
# Controls a portion may carry without the banner repeating them: permissive release markings,
# and unclassified handling that a classified banner does not show (issue #3: SENSITIVE).
_NOT_ROLLED = frozenset({"FOUO", "RELIDO", "SBU", "LES", "SSI"})


def lint(message: Telegram) -> list[str]:
    """Every finding, as one sentence each; an empty list when the telegram is consistent."""
    return [
        *_security_warning(message),
        *_serial(message),
        *_julian(message),
        *_precedence(message),
        *_portions(message),
        *_authority(message),
    ]


def _security_warning(message: Telegram) -> Iterator[str]:
    header = message.header
    if header is None or header.security_warning is None or message.classification is None:
        return
    parts = header.security_warning.split()
    letter = parts[1][:1] if len(parts) > 1 else ""
    expected = _WARNING_LETTER.get(message.classification, "")
    if letter != expected:
        yield (
            f"security warning line {' '.join(parts[:2])!r} does not match the classification "
            f"line ({message.classification})"
        )


def _serial(message: Telegram) -> Iterator[str]:
    header = message.header
    if header is None or header.station_serial is None or message.number is None:
        return
    if int(header.station_serial) != message.number % 10000:
        yield (
            f"station serial #{header.station_serial} does not match telegram number "
            f"{message.number}"
        )
    if message.section and header.section and int(header.section) != message.section[0]:
        yield f"FL3 section /{header.section} does not match SECTION {message.section[0]:02d}"


def _julian(message: Telegram) -> Iterator[str]:
    header, when = message.header, message.datetime
    if header is None or header.filed is None or when is None:
        return
    day = int(header.filed[:3])
    same_day = when.timetuple().tm_yday
    next_day = (when + timedelta(days=1)).timetuple().tm_yday
    if day == same_day and header.filed[3:] < f"{when:%H%M}":
        yield f"filing time {header.filed[3:]}Z is before the date-time group {when:%H%M}Z"
    elif day not in (same_day, next_day):
        yield (
            f"Julian day {day:03d} of the DE line is not the date-time group's day "
            f"({same_day:03d}, {when:%d %b %Y})"
        )


def _highest(words: list[str | None]) -> str:
    letters = [
        "O" if word == "NIACT IMMEDIATE" else PRECEDENCE_LETTERS.get(word or "", "R")
        for word in words
    ]
    return min(letters or ["R"], key=_ORDER.index)


def _precedence(message: Telegram) -> Iterator[str]:
    action = PRECEDENCE_LETTERS.get(message.precedence or "")
    if action is None:
        return
    header = message.header
    if header is not None and header.prosign and header.prosign != action * 2:
        yield f"precedence prosign {header.prosign} does not match the DTG precedence {action}"
    addressees = [a.precedence for a in (*message.to, *message.info)]
    if addressees and _highest(addressees) != action:
        yield (
            f"highest addressee precedence ({_highest(addressees)}) does not match the DTG "
            f"precedence {action}"
        )
    info = PRECEDENCE_LETTERS.get(message.info_precedence or "")
    if info and message.info and _highest([a.precedence for a in message.info]) != info:
        yield f"INFO addressee precedence does not match the DTG info precedence {info}"


def _controls(label: Label) -> set[str]:
    """Restrictive controls a banner must repeat (markings.md §6.2-3, §6.7)."""
    controls = {word for word in (*label.dissem, *label.non_ic) if word not in _NOT_ROLLED}
    controls.update(control.system for control in label.sci)
    controls.update(label.sap)
    controls.update(aea.kind for aea in label.aea)
    controls.update("FGI" for _ in label.fgi[:1])
    return controls


def _numbers(names: list[str]) -> str:
    return ", ".join(names)


def _portions(message: Telegram) -> Iterator[str]:
    declared_text = derive.banner(message)
    if declared_text is None:
        return
    try:
        declared = banner_label(declared_text)
    except MarkingError:
        return
    missing: dict[str, list[str]] = {}
    higher: list[str] = []
    marked = [("subject", message.subject_portion)] + [
        (f"¶{p.number}" if p.number is not None else "unnumbered text", p.portion)
        for p in message.paragraphs
    ]
    for where, portion in marked:
        if portion is None:
            continue
        label = portion_label(portion)
        if label.level > declared.level:
            higher.append(where)
        for control in sorted(_controls(label) - _controls(declared)):
            missing.setdefault(control, []).append(where)
    if higher:
        yield f"declared banner {declared_text} is lower than {_numbers(higher)}"
    for control, places in missing.items():
        yield f"declared banner {declared_text} lacks {control} carried by {_numbers(places)}"
    if "NOFORN" in _controls(declared) and not any(
        "NOFORN" in _controls(portion_label(p)) for _, p in marked if p is not None
    ):
        yield "NOFORN caption but no portion carries NOFORN"


def _authority(message: Telegram) -> Iterator[str]:
    level = message.classification
    if level is None:
        return
    classified = level != "UNCLASSIFIED"
    if classified and message.executive_order and message.declassify_on is None:
        yield "classified telegram without a declassification date or event"
    if classified and message.classified_by is None:
        yield "classified telegram without a Classified By line"
    if not classified and message.declassify_on is not None:
        yield "unclassified telegram with a declassification date"
    unmarked = [str(p.number) for p in message.paragraphs if p.number is not None and not p.portion]
    if classified and unmarked:
        yield f"classified telegram with unmarked paragraphs: {', '.join(unmarked)}"

"""``render(message) -> str``: a telegram in canonical text form.

Canonical means: the ACP-127 header lines that are known, the classification line letter-spaced
(``UNCLAS`` when unclassified), one caption per line, ``E.O.``/``TAGS``/``SUBJECT``/``REF``/
``Classified By`` in that order, headings underlined, paragraphs ``N. (MARK) text`` with
canonical CAPCO portion marks, then the footer and the signature. ``parse(render(m)) == m`` for
messages BCM builds.
"""

from __future__ import annotations

from collections.abc import Iterator

from bcm.cables.fields import render_reasons
from bcm.cables.model import PRECEDENCE_LETTERS, Addressee, Header, Paragraph, Telegram

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def header_lines(header: Header) -> Iterator[str]:
    if header.transmission_id:
        yield header.transmission_id
    if header.prosign:
        yield " ".join((header.prosign, *header.routing_indicators))
    if header.station and header.station_serial and header.filed:
        section = f"/{header.section}" if header.section else ""
        yield f"DE {header.station} #{header.station_serial}{section} {header.filed}"
    if header.security_warning:
        yield header.security_warning


def dtg_line(message: Telegram) -> str | None:
    when, precedence = message.datetime, message.precedence
    if when is None:
        return None
    if precedence not in PRECEDENCE_LETTERS:  # a "partial extract": the date line form
        return f"{when:%A}, {when.day} {when:%B %Y, %H:%M}"
    letters = PRECEDENCE_LETTERS[precedence]
    if message.info_precedence in PRECEDENCE_LETTERS:
        letters += " " + PRECEDENCE_LETTERS[message.info_precedence]
    month = _MONTHS[when.month - 1]
    return f"{letters} {when:%d%H%M}Z {month} {when:%y}"


def _addressee(item: Addressee) -> str:
    parts = [f"{item.routing_indicator}/{item.address}" if item.routing_indicator else item.address]
    parts += [word for word in (item.precedence, item.serial) if word]
    return " ".join(parts)


def address_lines(keyword: str, items: tuple[Addressee, ...]) -> Iterator[str]:
    for index, item in enumerate(items):
        yield (f"{keyword} " if index == 0 else "") + _addressee(item)
        yield from (f"XMT {excluded}" for excluded in item.excluded)


def classification_line(message: Telegram) -> str | None:
    """``S E C R E T SECTION 01 OF 02 TOKYO 000445``."""
    if message.classification is None:
        return None
    level = message.classification
    parts = ["UNCLAS" if level == "UNCLASSIFIED" else " ".join(level.replace(" ", ""))]
    if message.section:
        parts.append(f"SECTION {message.section[0]:02d} OF {message.section[1]:02d}")
    if message.post:
        parts.append(message.post)
    if message.number is not None:
        parts.append(f"{message.number:06d}")
    return " ".join(parts)


def _tag(tag: str) -> str:
    return f"({tag})" if " " in tag or "," in tag else tag


def field_lines(message: Telegram) -> Iterator[str]:
    if message.executive_order or message.declassify_on:
        order = f"E.O. {message.executive_order}" if message.executive_order else "E.O."
        value = message.declassify_on
        if value is None:
            yield f"{order}: N/A"
        elif value.upper().startswith(("GDS", "XGDS", "DNG", "OADR")):
            yield f"{order}: {value}"
        else:
            yield f"{order}: DECL: {value}"
    if message.tags:
        yield "TAGS: " + " ".join(_tag(tag) for tag in message.tags)
    if message.subject is not None or message.subject_portion is not None:
        mark = f"({message.subject_portion}) " if message.subject_portion else ""
        yield f"SUBJECT: {mark}{message.subject or ''}".rstrip()


def reference_lines(message: Telegram) -> Iterator[str]:
    """The REF list, one labelled item a line (``REF: A. …`` / ``B. …``); a list with
    unlabelled items on one line, separated by semicolons. References citing several
    telegrams of one item are written once."""
    items = list(dict.fromkeys((r.label, r.text) for r in message.references))
    if items and all(label for label, _ in items):
        for index, (label, text) in enumerate(items):
            yield ("REF: " if index == 0 else "") + f"{label}. {text}"
    elif items:
        yield "REF: " + "; ".join(f"{label}. {text}" if label else text for label, text in items)


def classified_by_line(message: Telegram) -> str | None:
    if message.classified_by is None and not message.reasons:
        return None
    who = message.classified_by or ""
    if not message.reasons:
        return f"Classified By: {who}"
    return f"Classified By: {who}, reasons {render_reasons(message.reasons)}."


def paragraph_lines(paragraph: Paragraph) -> Iterator[str]:
    """A paragraph, with its heading underlined above it."""
    if paragraph.heading:
        yield paragraph.heading
        yield "-" * max(len(line) for line in paragraph.heading.split("\n"))
        yield ""
    if paragraph.number is None and paragraph.portion is None and not paragraph.text:
        return
    lead = f"{paragraph.number}. " if paragraph.number is not None else ""
    mark = f"({paragraph.portion}) " if paragraph.portion else ""
    yield (lead + mark + paragraph.text).rstrip()


def routing_lines(message: Telegram) -> list[str]:
    """Format lines FL1-FL9: header, date-time group, originator and addressees."""
    header = list(header_lines(message.header)) if message.header else []
    dtg = dtg_line(message)
    header += [dtg] if dtg else []
    header += [f"FM {message.sender}"] if message.sender else []
    return (
        header + list(address_lines("TO", message.to)) + list(address_lines("INFO", message.info))
    )


def _blocks(message: Telegram) -> Iterator[list[str]]:
    yield list(message.preamble)
    header = routing_lines(message)
    line = classification_line(message)
    yield header + ([line] if line else [])
    yield list(message.captions)
    yield list(message.offices)
    yield list(field_lines(message))
    yield list(reference_lines(message))
    by = classified_by_line(message)
    yield [by] if by else []
    for paragraph in message.paragraphs:
        yield list(paragraph_lines(paragraph))
    yield list(message.footer)
    yield [message.signature] if message.signature else []


def render(message: Telegram) -> str:
    """The telegram as text, in canonical form, ending with a newline."""
    blocks = ["\n".join(block) for block in _blocks(message) if block]
    return "\n\n".join(blocks) + "\n"

"""The ``bcm cable parse --json`` shape: ``to_json(message)`` and back with ``from_json``.

The contract fields come first (issue #3); the fields after ``warnings`` carry the rest of what
was parsed so that ``bcm cable render`` can rebuild the whole telegram.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bcm.cables import derive
from bcm.cables.model import Addressee, Header, Paragraph, Reference, Telegram
from bcm.errors import InvalidInput

JsonObject = dict[str, Any]


def _addressee(item: Addressee) -> JsonObject:
    out: JsonObject = {
        "routing_indicator": item.routing_indicator,
        "address": item.address,
        "precedence": item.precedence,
        "serial": item.serial,
    }
    if item.excluded:
        out["excluded"] = list(item.excluded)
    return out


def _header(header: Header | None) -> JsonObject | None:
    if header is None:
        return None
    return {
        "transmission_id": header.transmission_id,
        "prosign": header.prosign,
        "routing_indicators": list(header.routing_indicators),
        "station": header.station,
        "station_serial": header.station_serial,
        "section": header.section,
        "filed": header.filed,
        "security_warning": header.security_warning,
    }


def to_json(message: Telegram) -> JsonObject:
    """The JSON object of one parsed telegram (without the ``file`` key)."""
    when = message.datetime
    return {
        "id": derive.message_id(message),
        "precedence": message.precedence,
        "datetime": when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None,
        "from": message.sender,
        "to": [_addressee(a) for a in message.to],
        "info": [_addressee(a) for a in message.info],
        "classification": message.classification,
        "banner": derive.banner(message),
        "rollup": derive.rollup(message),
        "captions": list(message.captions),
        "tags": list(message.tags),
        "subject": message.subject,
        "references": [{"label": r.label, "text": r.text, "id": r.id} for r in message.references],
        "classified_by": message.classified_by,
        "reasons": list(message.reasons),
        "declassify_on": message.declassify_on,
        "paragraphs": [_paragraph(p) for p in message.paragraphs],
        "signature": message.signature,
        "warnings": list(message.warnings),
        "subject_portion": message.subject_portion,
        "info_precedence": message.info_precedence,
        "post": message.post,
        "number": message.number,
        "section": list(message.section) if message.section else None,
        "offices": list(message.offices),
        "executive_order": message.executive_order,
        "header": _header(message.header),
        "footer": list(message.footer),
        "preamble": list(message.preamble),
    }


def _paragraph(paragraph: Paragraph) -> JsonObject:
    out: JsonObject = {
        "number": paragraph.number,
        "portion": paragraph.portion,
        "text": paragraph.text,
    }
    if paragraph.heading is not None:
        out["heading"] = paragraph.heading
    return out


# --- back from JSON ---------------------------------------------------------------------------


def _str(data: JsonObject, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(key, "a string or null")
    return value


def _int(data: JsonObject, key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(key, "an integer or null")
    return value


def _strings(data: JsonObject, key: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(key, "a list of strings")
    return tuple(value)


def _objects(data: JsonObject, key: str) -> list[JsonObject]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidInput(key, "a list of objects")
    return value


def _when(data: JsonObject) -> datetime | None:
    text = _str(data, "datetime")
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput("datetime", "YYYY-MM-DDTHH:MM:SSZ") from None


def _addressees(data: JsonObject, key: str) -> tuple[Addressee, ...]:
    out = []
    for item in _objects(data, key):
        address = _str(item, "address")
        if not address:
            raise InvalidInput(f"{key}.address", "a non-empty string")
        out.append(
            Addressee(
                address,
                _str(item, "routing_indicator"),
                _str(item, "precedence"),
                _str(item, "serial"),
                _strings(item, "excluded"),
            )
        )
    return tuple(out)


def _header_from(data: JsonObject) -> Header | None:
    value = data.get("header")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput("header", "an object or null")
    return Header(
        _str(value, "transmission_id"),
        _str(value, "prosign"),
        _strings(value, "routing_indicators"),
        _str(value, "station"),
        _str(value, "station_serial"),
        _str(value, "section"),
        _str(value, "filed"),
        _str(value, "security_warning"),
    )


def _section(data: JsonObject) -> tuple[int, int] | None:
    value = data.get("section")
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise InvalidInput("section", "[section, of] as two integers")
    return value[0], value[1]


def from_json(data: JsonObject) -> Telegram:
    """A Telegram from the ``parse --json`` shape; derived keys (id, banner...) are ignored."""
    if not isinstance(data, dict):
        raise InvalidInput("telegram", "a JSON object")
    return Telegram(
        header=_header_from(data),
        precedence=_str(data, "precedence"),
        info_precedence=_str(data, "info_precedence"),
        datetime=_when(data),
        sender=_str(data, "from"),
        to=_addressees(data, "to"),
        info=_addressees(data, "info"),
        classification=_str(data, "classification"),
        post=_str(data, "post"),
        number=_int(data, "number"),
        section=_section(data),
        captions=_strings(data, "captions"),
        offices=_strings(data, "offices"),
        executive_order=_str(data, "executive_order"),
        declassify_on=_str(data, "declassify_on"),
        tags=_strings(data, "tags"),
        subject=_str(data, "subject"),
        subject_portion=_str(data, "subject_portion"),
        references=tuple(
            Reference(_str(r, "label"), _str(r, "text") or "", _str(r, "id"))
            for r in _objects(data, "references")
        ),
        classified_by=_str(data, "classified_by"),
        reasons=_strings(data, "reasons"),
        paragraphs=tuple(
            Paragraph(
                _int(p, "number"), _str(p, "portion"), _str(p, "text") or "", _str(p, "heading")
            )
            for p in _objects(data, "paragraphs")
        ),
        footer=_strings(data, "footer"),
        signature=_str(data, "signature"),
        preamble=_strings(data, "preamble"),
        warnings=_strings(data, "warnings"),
    )

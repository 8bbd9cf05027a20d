"""``parse(text) -> Telegram``: a tolerant reader of telegrams in the cablegate format.

The text is read in zones: a preamble (publisher metadata, notes), the ACP-127 header, the
text's fields (classification line, captions, office lines, E.O., TAGS, SUBJECT, REF,
Classified By) and the body. Whatever is not understood becomes a warning; only text with
no telegram structure at all is refused, with ``InvalidInput``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bcm.cables import lines as L
from bcm.cables.body import split_body
from bcm.cables.fields import (
    parse_classified_by,
    parse_eo_line,
    parse_references,
    parse_tags,
    single_spaced,
)
from bcm.cables.header import DATE_LINE, FL1, FL2, FL3, FL5, FM, HeaderReader
from bcm.cables.marks import portion_of
from bcm.cables.model import Telegram
from bcm.cables.textscan import BodyScan, JoinedLines
from bcm.errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Substring tests are ~15x faster than a character-class scan of a whole telegram.
_CONTROL_CHARS = tuple(chr(c) for c in (*range(9), 11, 12, *range(14, 32), 127))
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>]{0,200})?/?>")
_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,5}|[a-zA-Z]{2,8});")
_CLASSIFIED_IN_TEXT = re.compile(r"CLASS\w*\s+BY\b\s*:?\s*(.*)", re.IGNORECASE | re.DOTALL)


def _clean(text: str) -> tuple[list[str], list[str]]:
    """Lines without control characters, HTML entities, markup and WikiLeaks ¶ anchors.

    Each pass runs only when its character occurs: this is on the hot path.
    """
    warnings: list[str] = []
    if any(char in text for char in _CONTROL_CHARS) and _CONTROL.search(text):
        text = _CONTROL.sub("", text)
        warnings.append("control characters removed")
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
        warnings.append("HTML entities decoded")
    if "<" in text and _MARKUP.search(text):
        text = _MARKUP.sub("", text)
        warnings.append("markup removed")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = list(map(str.rstrip, text.split("\n")))
    if "\\" in text:
        lines = [line[:-1].rstrip() if line.endswith("\\") else line for line in lines]
    if "¶" in text:
        lines = [line.replace("¶", "", 1) if "¶" in line[:8] else line for line in lines]
    return lines, warnings


@dataclass(slots=True)
class _Fields:
    """The text's fields as read so far (a duplicated caption block gets a second one)."""

    line: L.ClassificationLine | None = None
    captions: list[str] = field(default_factory=list)
    offices: list[str] = field(default_factory=list)
    eo_seen: bool = False
    executive_order: str | None = None
    declassify_on: str | None = None
    tags: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    classified: list[str] = field(default_factory=list)
    open: str | None = None
    after_blank: bool = False
    labelled: bool = False

    def is_fresh(self) -> bool:
        """Whether nothing but the classification line has been read into this block."""
        # (what ``self == _Fields(line=self.line)`` says, without building one)
        return not (
            self.captions
            or self.offices
            or self.eo_seen
            or self.executive_order is not None
            or self.declassify_on is not None
            or self.tags
            or self.subject
            or self.refs
            or self.classified
            or self.open is not None
            or self.after_blank
            or self.labelled
        )

    def copy(self, line: L.ClassificationLine | None) -> _Fields:
        """An independent copy of this block with another classification line."""
        return _Fields(
            line,
            list(self.captions),
            list(self.offices),
            self.eo_seen,
            self.executive_order,
            self.declassify_on,
            list(self.tags),
            list(self.subject),
            list(self.refs),
            list(self.classified),
            self.open,
            self.after_blank,
            self.labelled,
        )

    def merge(self, later: _Fields) -> _Fields:
        """Fill what this block lacks from a later copy of it."""
        for name in ("captions", "offices", "tags", "subject", "refs", "classified"):
            if not getattr(self, name):
                setattr(self, name, getattr(later, name))
        if not self.eo_seen and later.eo_seen:
            self.eo_seen = True
            self.executive_order, self.declassify_on = later.executive_order, later.declassify_on
        return self


# Where a header or classification line may start: one scan instead of five regexes a line.
# Six capitals stand for a misspelt level word, which ``L.classification_line`` only reads in
# capitals: a preamble line such as "Classification" or "Identifier" is not a hint (the day
# names of an indented date line are listed for themselves). A date line starts with a day's
# name (``DATE_LINE``): ``[A-Z]+DAY,`` would backtrack through every word of the preamble.
_STRUCTURE_HINT = re.compile(
    r"\n(?:VZCZC|ZZ|OO|PP|RR|YY|DE\s|[ZOPRY]\s|FM\s"
    r"|[^\S\n]*(?:[A-Za-z] [A-Za-z] |TOP SECRET|SECRET|CONFIDENTIAL|UNCLAS|LIMITED"
    r"|(?:MON|TUES|WEDNES|THURS|FRI|SATUR|SUN)DAY,|(?-i:[A-Z]{6})))",
    re.IGNORECASE,
)


# Any of the format lines that start a header, in one regex.
_FORMAT_LINE = re.compile(
    "|".join(
        f"(?{'i' if pattern.flags & re.IGNORECASE else ''}:{pattern.pattern})"
        for pattern in (FL1, FL2, FL3, FL5, FM, DATE_LINE)
    )
)


def _structure_start(lines: list[str], joined: JoinedLines) -> int:
    """Index of the first header or classification line; everything before is preamble."""
    hints = (hint.start() for hint in _STRUCTURE_HINT.finditer(joined.text))
    for index in joined.line_indexes(hints):
        line = lines[index].strip()
        if _FORMAT_LINE.match(line):
            return index
        classification = L.classification_line(line) if line else None
        if classification is not None and classification.number is not None:
            return index
    return 0


def _is_label(line: str) -> bool:
    return bool(L.LABEL_HINT.match(line) and L.FIELD_LABEL.match(line))


def _is_rule(line: str) -> bool:
    return L.RULE.match(line) is not None


def _ends_unchanged(line: str) -> bool:
    """Whether a line that ended the fields zone left the reading as it was: a paragraph
    start or a rule on its own (``_field_part`` returns before changing anything for them)."""
    if (":" in line or "Sensitive" in line) and len(L.inline_parts(line)) > 1:
        return False
    return L.is_paragraph_start(line) or L.is_rule(line)


# A line's kind from whether it has text: b"\x00" -> B(lank), b"\x01" -> T(ext).
_BLANK_OR_TEXT = bytes.maketrans(b"\x00\x01", b"BT")

# The list of ``_Fields`` that holds each open field's lines.
_FIELD_LISTS = {"TAGS": "tags", "SUBJECT": "subject", "REF": "refs", "CLASSIFIED": "classified"}


class _Parser:
    def __init__(self, year: int | None, joined: JoinedLines) -> None:
        self.year = year
        self.joined = joined
        self.scan: BodyScan | None = None
        self.body_kinds = ""
        self.warnings: list[str] = []
        self.header = HeaderReader(warnings=self.warnings)
        self.fields = _Fields()
        self.first_block: _Fields | None = None
        # A caption block read from a fresh state: (first line, lines read, the reading).
        self.block: tuple[int, int, _Fields] | None = None
        self.preamble: list[str] = []
        self.body: list[str] = []
        self.lines: list[str] = []
        self.index = 0

    def run(self, lines: list[str]) -> None:
        start = _structure_start(lines, self.joined)
        self.preamble = lines[:start]
        self.lines = lines
        zone, index = self._read_head(lines, start)
        while index < len(lines):
            if zone == "fields":
                zone, index = self._fields_zone(lines, index)
                continue
            resume = self._body(lines, index)
            if resume is None:
                return
            zone, index = "fields", resume

    # Each zone reader returns the zone that starts at the index it returns.
    def _read_head(self, lines: list[str], index: int) -> tuple[str, int]:
        header, end = self.header, len(lines)
        while index < end:
            if header.in_list:
                index = header.add_addressees(lines, index)  # the bulk of a header
                if index == end:
                    break
            zone = self._head(lines[index].strip(), index + 1)
            if zone == "head":
                index += 1
            elif zone == "fields+":
                return "fields", index + 1
            else:
                return zone, index
        return "head", index

    def _fields_zone(self, lines: list[str], index: int) -> tuple[str, int]:
        """Read the fields zone from ``index``. A duplicated caption block whose lines repeat
        those of a block read before from the same fresh state takes a copy of that reading
        (the seed repeats its own) and is read on from the line that ended the first.

        The reading of a line depends only on the line, the reading so far and, for office
        lines, whether the next line is a rule (``_underlined``). The first reading is kept
        when it warned of nothing (warnings carry line numbers; a further classification line
        warns) and its last line ended the zone without changing the reading.
        """
        fresh = self.fields.is_fresh()
        if fresh and self.block is not None:
            start, size, block = self.block
            after = index + size
            if (
                after < len(lines)
                and lines[index:after] == lines[start : start + size]
                and _is_rule(lines[after]) == _is_rule(lines[start + size])
            ):
                self.fields = block.copy(self.fields.line)
                return self._read_fields(lines, after)
        warned = len(self.warnings)
        zone, end = self._read_fields(lines, index)
        if (
            fresh
            and self.block is None
            and zone == "body"
            and len(self.warnings) == warned
            and _ends_unchanged(lines[end].strip())
        ):
            self.block = (index, end - index, self.fields.copy(self.fields.line))
        return zone, end

    def _read_fields(self, lines: list[str], index: int) -> tuple[str, int]:
        end = len(lines)
        while index < end:
            line = lines[index].strip()
            if not line:
                fields = self.fields
                fields.after_blank = True
                if fields.open != "REF" and not (fields.open == "SUBJECT" and not fields.subject):
                    fields.open = None
            else:
                self.index = index
                if not self._field_line(line, index + 1):
                    return "body", index
            index += 1
        return "fields", index

    # "head": more header; "fields+": a classification line read, the fields follow it;
    # "fields" or "body": the line is the first of that zone.
    def _head(self, line: str, number: int) -> str:
        header = self.header
        if not line:
            header.feed("", number)
            return "head"
        started = header.seen_format_line  # (nothing below changes it before ``feed``)
        if header.take_header_line(line, number):  # the format lines: none passes a test below
            return "head"
        if L.CLASSIFICATION_HINT.match(line):
            classification = L.classification_line(line)
            if classification is not None and (started or classification.number):
                self.fields.line = classification
                return "fields+"
        if _is_label(line) or L.captions(line) is not None:
            return "fields"
        if ":" in line and any(_is_label(p) for p in L.inline_parts(line)[1:]):
            return "fields"  # "DEPT FOR WHA/BSC E.O. 12958: DECL: 11/22/2012"
        if not started and line[:1].isdigit() and L.PARAGRAPH.match(line):
            return "body"  # (L.is_paragraph_start of a stripped line)
        if header.feed(line, number):
            return "head"
        if not started:
            return "fields"  # no header at all: the text starts here (office lines first)
        self.warnings.append(f"line {number}: not understood in the header: {line[:60]!r}")
        return "head"

    def _field_line(self, line: str, number: int) -> bool:
        """Read a non-blank line of the fields zone; False when the body starts with it."""
        if (" OF " in line or "PAGE" in line) and L.is_noise(line):  # (its own pre-tests)
            return True
        if L.CLASSIFICATION_HINT.match(line):
            classification = L.classification_line(line)
            if classification is not None and (classification.number or " " in line[:3]):
                self._classification_again(classification, number)
                return True
        if ":" in line or "Sensitive" in line:
            parts = L.inline_parts(line)
            if len(parts) > 1:
                return self._field_parts(parts, number)
        if not self._field_part(line, number):
            return False
        self.fields.after_blank = False
        return True

    def _field_parts(self, parts: list[str], number: int) -> bool:
        """A line with labels run into it, read part by part."""
        for index, part in enumerate(parts):
            if index and not _is_label(part.strip()):
                self.fields.open = None  # text run on after a field is not more of that field
            if not self._field_part(part.strip(), number):
                return False
        self.fields.after_blank = False
        return True

    def _classification_again(self, classification: L.ClassificationLine, number: int) -> None:
        if self.fields.line is None:
            self.fields.line = classification
            return
        self.warnings.append(f"line {number}: duplicated caption block ignored")
        self.first_block = self.first_block or self.fields
        self.fields = _Fields(line=classification)

    def _field_part(self, part: str, number: int) -> bool:
        """Read one line (or inline part) of the fields zone; False when the body starts."""
        fields = self.fields
        if L.LABEL_HINT.match(part) and self._label_part(part, number):
            return True
        if part.lstrip()[:1].isdigit() and L.PARAGRAPH.match(part):  # L.is_paragraph_start
            return False
        if "---" in part and L.RULE.match(part):  # L.is_rule
            return False
        if fields.open and self._continues(part):
            self._values(fields.open).append(part)
            return True
        fields.open = None
        if (found := L.captions(part)) is not None:
            fields.captions.extend(found)
            return True
        if not fields.labelled and not self._underlined():
            fields.offices.append(part)
            return True
        return False

    def _label_part(self, part: str, number: int) -> bool:
        """Read a field label line; False when the line carries no label."""
        match = L.LABEL.match(part)
        if match is None:
            return False
        fields, name = self.fields, match.lastgroup
        if name == "EO":
            order, declassify, problems = parse_eo_line(part)
            fields.executive_order, fields.declassify_on, fields.eo_seen = order, declassify, True
            self.warnings.extend(f"line {number}: {problem}" for problem in problems)
        elif name == "DECLASSIFY":  # "Declassify On: 20320109" (E.O. 13526)
            fields.executive_order = fields.executive_order or "13526"
            fields.declassify_on = match["DECLASSIFY_value"].strip() or None
            fields.eo_seen = True
        elif name == "REASON":  # "Reason: 1.4(b)(d)" under "Classified By"
            fields.classified.append(part)
        elif name == "CLASSIFIED" and fields.classified and part[:1] in "(0123456789":
            return False  # "(U) CLASSIFIED BY" after the field: a marked paragraph
        else:
            self._open(str(name), match[f"{name}_value"])
            return True
        fields.open, fields.labelled = None, True
        return True

    def _underlined(self) -> bool:
        """Whether the current line is a heading: its next line is a rule."""
        following = self.lines[self.index + 1 : self.index + 2]
        return bool(following and L.RULE.match(following[0]))

    def _open(self, name: str, value: str) -> None:
        fields = self.fields
        values = self._values(name)
        if name != "TAGS":  # "TAGS: A, B, TAGS: C" continues the list
            values.clear()
        if value:
            values.append(value)
        fields.open, fields.labelled = name, True

    def _values(self, name: str) -> list[str]:
        values: list[str] = getattr(self.fields, _FIELD_LISTS[name])
        return values

    def _continues(self, part: str) -> bool:
        fields = self.fields
        if fields.open == "REF":
            return not fields.after_blank or bool(L.REF_ITEM.match(part))
        if fields.open == "SUBJECT" and not fields.subject:
            return True  # "SUBJECT:" alone, the subject on a later line
        if L.SPACED_LEVEL.match(part):
            return False
        if fields.after_blank:
            return False
        if fields.open == "TAGS":
            return (bool(fields.tags) and fields.tags[-1].endswith(",")) or part.isupper()
        if fields.open == "SUBJECT":
            first = fields.subject[0] if fields.subject else ""
            return not (first.isupper() and part != part.upper())  # a lower-case letter
        return True

    def _body(self, lines: list[str], index: int) -> int | None:
        """Take ``lines[index:]`` as body; the index to resume the fields zone at when a
        duplicated caption block starts before the first paragraph, else None.

        Page continuation lines, paper page headers, the classification repeated and lone
        level lines are dropped. Candidates come from one set of scans of the text.
        """
        scan = self.scan
        if scan is None:
            scan = BodyScan.of(self.joined, index)
        else:  # a second look, past a duplicated caption block: the scan holds already
            scan = scan.from_line(self.joined, index)
        self.scan = scan
        first_paragraph = scan.paragraphs[0] if scan.paragraphs else len(lines)
        drop: set[int] = set()
        for at in scan.specials:
            line = lines[at].strip()
            if L.is_noise(line) or L.LONE_LEVEL.match(line):
                drop.add(at)
                continue
            classification = L.classification_line(line)
            if classification is None or classification.number is None:
                continue
            if at < first_paragraph and self.fields.line is not None:
                self._classification_again(classification, at + 1)
                self.body.clear()  # headings above a duplicated block belong to its copy
                return at + 1
            self.warnings.append(f"line {at + 1}: repeated classification line dropped")
            drop.add(at)
        self._take_body(lines, index, scan, drop)
        return None

    def _take_body(self, lines: list[str], index: int, scan: BodyScan, drop: set[int]) -> None:
        """The body lines, and their kinds for ``split_body`` from the scan (B blank, P
        paragraph start candidate, R rule, T text)."""
        body = lines[index:]
        kinds = bytearray(map(bool, body)).translate(_BLANK_OR_TEXT)
        for found, kind in ((scan.paragraphs, ord("P")), (scan.rules, ord("R"))):
            for at in found:
                kinds[at - index] = kind
        for at in sorted(drop, reverse=True):
            del body[at - index], kinds[at - index]
        self.body.extend(body)
        self.body_kinds = kinds.decode("ascii")

    def build(self) -> Telegram:
        fields = self.fields if self.first_block is None else self.first_block.merge(self.fields)
        body = split_body(self.body, stripped=True, kinds=self.body_kinds)
        self.warnings.extend(body.warnings)
        line = fields.line
        when = self.header.when
        year = when.year if when is not None else self.year
        subject, subject_portion = _subject(fields.subject)
        classified_by, reasons = parse_classified_by(" ".join(fields.classified))
        if not fields.classified and body.paragraphs:
            inline = _CLASSIFIED_IN_TEXT.search(body.paragraphs[0].text[:200])
            if inline is not None:
                classified_by, reasons = parse_classified_by(inline[1])
        self._check_structure(line, body.paragraphs != [], fields)
        return Telegram(
            header=self.header.header(),
            precedence=self.header.precedence,
            info_precedence=self.header.info_precedence,
            datetime=when,
            sender=self.header.sender,
            to=tuple(self.header.to),
            info=tuple(self.header.info),
            classification=line.level if line else None,
            post=line.post if line else None,
            number=line.number if line else None,
            section=line.section if line else None,
            captions=tuple(fields.captions),
            offices=tuple(fields.offices),
            executive_order=fields.executive_order,
            declassify_on=fields.declassify_on,
            tags=parse_tags(" ".join(fields.tags)),
            subject=subject,
            subject_portion=subject_portion,
            references=parse_references("\n".join(fields.refs), year),
            classified_by=classified_by,
            reasons=reasons,
            paragraphs=tuple(body.paragraphs),
            footer=tuple(body.footer),
            signature=body.signature,
            preamble=tuple(_trim(self.preamble)),
            warnings=tuple(self.warnings),
        )

    def _check_structure(
        self, line: L.ClassificationLine | None, has_body: bool, fields: _Fields
    ) -> None:
        if line is None and not self.header.started and not fields.labelled and not has_body:
            raise InvalidInput(
                "telegram", "a header, classification line, text fields or numbered paragraphs"
            )
        if line is None:
            self.warnings.append("no classification line")
        elif line.written not in {"SECRET", "CONFIDENTIAL", "UNCLAS", "UNCLASSIFIED", "TOPSECRET"}:
            self.warnings.append(f"classification line {line.written!r} read as {line.level}")
        if self.header.started and self.header.when is None:
            self.warnings.append("no date-time group")


def _subject(values: list[str]) -> tuple[str | None, str | None]:
    joined = ""
    for value in values:
        value = value.strip()
        joined += value if joined.endswith("-") or not joined else " " + value
    text = single_spaced(joined)
    if not text:
        return None, None
    match = L.MARK.match(text)
    if match is not None and (portion := portion_of(f"({match[1]})")) is not None:
        return match[2] or None, portion
    return text, None


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return lines


def parse(text: str, *, year: int | None = None) -> Telegram:
    """Parse a telegram; ``year`` dates references when the text has no date-time group.

    Never raises on messy input: what is not understood is listed in ``warnings``. Raises
    ``InvalidInput`` only for binary data or text without any telegram structure.
    """
    if "\x00" in text:
        raise InvalidInput("telegram", "text, not binary data")
    lines, warnings = _clean(text)
    parser = _Parser(year, JoinedLines.of(lines))
    parser.warnings.extend(warnings)
    parser.run(lines)
    return parser.build()

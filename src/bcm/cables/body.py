"""The telegram body: numbered, portion-marked paragraphs, headings, footer and signature.

Input is the body's lines with page-continuation lines already removed (blank lines kept as
""). Sub-items (``A. (U)``, ``1) (U)``) stay in their paragraph's text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add

from bcm.cables import lines as L
from bcm.cables.marks import portion_of
from bcm.cables.model import Paragraph

# Words that end a sentence-final "... END TEXT." line but are not surnames.
_NOT_NAMES = frozenset({"END", "TEXT", "COMMENT", "SUMMARY", "NOTE", "PARA", "SEPTEL", "REFTEL"})


@dataclass(slots=True)
class Body:
    paragraphs: list[Paragraph] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    signature: str | None = None
    warnings: list[str] = field(default_factory=list)


def _is_trailer(line: str) -> bool:
    stripped = line.strip()
    return (
        not stripped
        or bool(L.LONE_LEVEL.match(line) or L.TRAILER.match(line) or L.is_noise(line))
        or bool(L.SPACED_LEVEL.match(line))
    )


def _take_signature(lines: list[str], body: Body) -> None:
    """Take the signature from the end, past any trailer (classification repeated, NNNN...)."""
    end = len(lines)
    while end and _is_trailer(lines[end - 1]):
        end -= 1
    if not end:
        return
    last = lines[end - 1].strip().rstrip("#")
    if last.endswith(".") and L.SIGNATURE.match(last[:-1]) and " " not in last:
        last = last[:-1]  # "MCNAMARA."
    trailer = [line for line in lines[end:] if line.strip()]
    if L.SIGNATURE.match(last) and len(last) <= 30 and not L.is_paragraph_start(last):
        body.signature = last
        del lines[end - 1 :]
    elif (trailing := L.TRAILING_SIGNATURE.match(last)) and trailing[2] not in _NOT_NAMES:
        body.signature = trailing[2]  # "... for success. BROWNFIELD": signed on the last line
        lines[end - 1] = trailing[1]
        del lines[end:]
    else:
        while lines and not lines[-1].strip():
            lines.pop()
        return
    ignored = [line for line in trailer if not (L.LONE_LEVEL.match(line) or line.strip() == ".")]
    if ignored:
        body.warnings.append(f"{len(ignored)} line(s) after the signature ignored")


def _take_footer(lines: list[str], kinds: str, body: Body) -> str:
    """Move a ``*****`` block after the last paragraph into ``footer``; returns the kinds left."""
    after = kinds.rfind("P") + 1
    if "*****" not in "\n".join(lines[after:]):
        return kinds
    for index in range(after, len(lines)):
        if L.FOOTER_RULE.match(lines[index]):
            body.footer = [line.strip() for line in lines[index:] if line.strip()]
            del lines[index:]
            return kinds[:index]
    return kinds


def _kinds(lines: list[str]) -> str:
    """One letter per line: B blank, P paragraph start candidate, R rule, T text.

    Found with two regex scans of the joined text rather than a regex per line: the body is
    nearly all prose, and this is the parser's hot path.
    """
    kinds = ["T" if line else "B" for line in lines]
    text = "\n" + "\n".join(lines)  # see L.PARAGRAPH_LINE: "\n" + line start
    ends = list(map(add, accumulate(map(len, lines)), range(len(lines))))
    for pattern, kind in ((L.PARAGRAPH_LINE, "P"), (L.RULE_LINE, "R")):
        for match in pattern.finditer(text):
            kinds[bisect_left(ends, match.start())] = kind
    return "".join(kinds)


def _line_kind(line: str) -> str:
    """What ``_kinds`` gives for one line."""
    if L.PARAGRAPH_LINE.match("\n" + line):
        return "P"
    if L.RULE_LINE.match("\n" + line):
        return "R"
    return "T" if line else "B"


# A run of lines is a paragraph start (P) and the text after it, or text without one; runs
# without a paragraph start are preceded by a blank line (or nothing), never by a P run.
# A heading has at most four text lines, so only such runs are matched (a long run fails
# at its fifth T, without backtracking: the quantifiers are possessive). Searched in "B" +
# kinds: a literal first character lets the regex engine skip ahead.
_PLAIN_RUN = re.compile(r"B(?=[TR])(R*+(?:TR*+){0,4}+)(?![TR])")
_RULES_RUN_NEXT = re.compile(r"B*R+(?![TR])")  # the next run is rules only
_PARAGRAPH_KIND = re.compile("P")


def _heading_lines(lines: list[str], kinds: str) -> set[int]:
    """Indexes of heading lines: short runs framed or underlined by rules (``-----``)."""
    headings: set[int] = set()
    if "R" not in kinds:
        return headings
    for run in _PLAIN_RUN.finditer("B" + kinds):
        start, end = run.span(1)  # in kinds: one less
        rules = run[1].count("R")
        if end - start - rules <= 4 and (rules or _RULES_RUN_NEXT.match(kinds, end - 1)):
            headings.update(range(start - 1, end - 1))
    return headings


@dataclass(slots=True)
class _Open:
    number: int | None
    portion: str | None
    heading: str | None
    text: list[str] = field(default_factory=list)

    def close(self) -> Paragraph:
        # Lines hold no newline: stripping newlines drops the blank lines at either end.
        joined = "\n".join(self.text).strip("\n")
        return Paragraph(self.number, self.portion, joined, self.heading)


def _mark(rest: str, number: int | None, body: Body) -> tuple[str | None, str]:
    """Split a leading portion mark off a paragraph's first line."""
    if rest[:1] != "(" and (entire := L.ENTIRE_TEXT.match(rest)):
        portion = portion_of(f"({entire[1].upper()} - ENTIRE TEXT)")
        if portion is not None:
            return portion, rest
    match = L.MARK.match(rest)
    if match is None:
        return None, rest
    portion = portion_of(f"({match[1]})")
    if portion is None:
        where = f"paragraph {number}" if number is not None else "text"
        body.warnings.append(f"{where}: portion mark ({match[1]}) not understood; kept in text")
        return None, rest
    return portion, match[2]


def split_body(lines: list[str], *, stripped: bool = False, kinds: str | None = None) -> Body:
    """Paragraphs, headings, footer and signature of the body lines (``stripped``: the lines
    carry no trailing whitespace already, as the parser's do; ``kinds``: what ``_kinds``
    would give for them, when the caller found it already)."""
    body = Body()
    lines = list(lines) if stripped else [line.rstrip() for line in lines]
    last_line = lines[-1] if lines else None
    _take_signature(lines, body)
    if kinds is None:
        kinds = _kinds(lines)
    else:
        kinds = kinds[: len(lines)]
        if lines and lines[-1] is not last_line:  # the signature was cut off the last line
            kinds = kinds[:-1] + _line_kind(lines[-1])
    kinds = _take_footer(lines, kinds, body)
    headings = _heading_lines(lines, kinds)
    reader = _Reader(body)
    position, last = 0, None
    starts = [m.start() for m in _PARAGRAPH_KIND.finditer(kinds)]
    for index in sorted(headings.union(starts)) if headings else starts:
        if index in headings:
            if position < index:  # (consecutive heading lines have nothing between them)
                reader.plain(lines[position:index])
            if kinds[index] != "R":
                reader.heading.append(lines[index].strip())
            position = index + 1
            continue
        match = L.PARAGRAPH.match(lines[index])  # a P line: a paragraph start if numbered on
        if match is None:
            continue
        number = int(match[1])
        if number == 0 or (last is not None and not last < number <= last + 3):
            continue
        if reader.current is not None and not reader.heading:
            reader.current.text.extend(lines[position:index])  # reader.plain, shortened
        else:
            reader.plain(lines[position:index])
        reader.start(number, match[2])
        position, last = index + 1, number
    reader.plain(lines[position:])
    return reader.finish()


@dataclass(slots=True)
class _Reader:
    """Assembles paragraphs from paragraph starts, headings and the plain lines between."""

    body: Body
    current: _Open | None = None
    heading: list[str] = field(default_factory=list)

    def start(self, number: int | None, rest: str) -> None:
        if self.current is not None:
            self.body.paragraphs.append(self.current.close())
        portion, rest = _mark(rest.strip(), number, self.body)
        self.current = _Open(number, portion, "\n".join(self.heading) or None, [rest])
        self.heading = []

    def plain(self, segment: list[str]) -> None:
        """Text lines: more of the open paragraph, or unnumbered text after a heading."""
        if not segment:
            return
        if self.current is not None and not self.heading:
            self.current.text.extend(segment)
            return
        first = next((i for i, line in enumerate(segment) if line), None)
        if self.current is not None:
            self.current.text.extend(segment[: first if first is not None else len(segment)])
        if first is not None:
            self.start(None, segment[first].strip())
            self.plain(segment[first + 1 :])

    def finish(self) -> Body:
        if self.current is not None:
            self.body.paragraphs.append(self.current.close())
        if self.heading:
            self.body.paragraphs.append(Paragraph(None, None, "", "\n".join(self.heading)))
        return self.body

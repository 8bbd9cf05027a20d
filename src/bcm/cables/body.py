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
# A heading run also has a rule in it, or the run after it is rules only (it is underlined);
# the first non-T line of a run that holds a rule is one.
_HEADING_RUN = re.compile(
    r"B(?=[TR])("
    r"(?=T*+R)R*+(?:TR*+){0,4}+(?![TR])"
    r"|R*+(?:TR*+){0,4}+(?![TR])(?=B*R+(?![TR]))"
    r")"
)
# Paragraph start candidates and heading runs, in their order, in one scan: a candidate
# never lies in a heading run (runs hold text lines and rules only).
_EVENT = re.compile("P|" + _HEADING_RUN.pattern)


def _heading_runs(kinds: str) -> list[tuple[int, int]]:
    """The (start, end) line spans of headings: short runs framed or underlined by rules
    (``-----``). Runs are apart: a blank line or a paragraph start lies between two."""
    if "R" not in kinds:
        return []
    # Matched in "B" + kinds: one less for an index in kinds.
    return [(run.start(1) - 1, run.end(1) - 1) for run in _HEADING_RUN.finditer("B" + kinds)]


def _heading_lines(lines: list[str], kinds: str) -> set[int]:
    """Indexes of heading lines (see ``_heading_runs``)."""
    return {index for start, end in _heading_runs(kinds) for index in range(start, end)}


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
    _Assembly(body).read(lines, kinds)
    return body


_MARK = L.MARK.match


class _Assembly:
    """Assembles paragraphs from paragraph starts, heading runs and the plain lines between.

    This is the parser's hot path: the open paragraph is held in plain attributes and the
    common steps are written out in ``read`` rather than called.
    """

    __slots__ = ("body", "heading", "number", "portion", "text", "title")

    def __init__(self, body: Body) -> None:
        self.body = body
        self.heading: list[str] = []  # heading lines above the next paragraph
        # The open paragraph: its lines (None before the first), number, portion, heading.
        self.text: list[str] | None = None
        self.number: int | None = None
        self.portion: str | None = None
        self.title: str | None = None

    def read(self, lines: list[str], kinds: str) -> None:
        position, last, match_paragraph = 0, None, L.PARAGRAPH.match
        marked = "B" + kinds  # (positions in kinds: one less)
        for event in _EVENT.finditer(marked):
            index = event.start()
            if marked[index] == "B":  # a heading run: its text lines are the heading, its
                end = event.end() - 1  # rules dropped (the run is the match less its "B")
                if self.text is not None and not self.heading:
                    self.text.extend(lines[position:index])  # self.plain, shortened
                elif position < index:
                    self.plain(lines, kinds, position, index)
                heading = self.heading
                for at in range(index, end):
                    if kinds[at] != "R":
                        heading.append(lines[at].strip())
                position = end
                continue
            index -= 1
            match = match_paragraph(lines[index])  # a paragraph start if numbered on
            if match is None:
                continue
            number = int(match[1])
            if number == 0 or (last is not None and not last < number <= last + 3):
                continue
            if self.text is not None and not (self.heading and kinds[position:index].strip("B")):
                # self.plain, shortened: no heading, or only blank lines below it
                self.text.extend(lines[position:index])
            elif position < index:
                self.plain(lines, kinds, position, index)
            self.start(number, match[2])
            position, last = index + 1, number
        if position < len(lines):
            self.plain(lines, kinds, position, len(lines))
        self.finish()

    def start(self, number: int | None, rest: str) -> None:
        """Close the open paragraph and open the next with its first line."""
        text = self.text
        if text is not None:
            # Lines hold no newline: stripping newlines drops the blank lines at either end.
            joined = "\n".join(text).strip("\n")
            self.body.paragraphs.append(Paragraph(self.number, self.portion, joined, self.title))
        rest = rest.strip()
        match = _MARK(rest) if rest[:1] == "(" else None  # (what _mark does first)
        if match is not None and (portion := portion_of(f"({match[1]})")) is not None:
            self.portion, rest = portion, match[2]
        else:
            self.portion, rest = _mark(rest, number, self.body)
        self.number, self.text = number, [rest]
        heading = self.heading
        if heading:  # (an empty heading list is left for the next paragraph: it is not kept)
            self.title = "\n".join(heading) or None
            self.heading = []
        else:
            self.title = None

    def plain(self, lines: list[str], kinds: str, position: int, end: int) -> None:
        """Text lines ``lines[position:end]`` (some): more of the open paragraph, or after a
        heading, unnumbered text that starts at the first line with text."""
        if self.text is not None and not self.heading:
            self.text.extend(lines[position:end])
            return
        segment = kinds[position:end]  # the first line with text: the first not blank (B)
        first = position + len(segment) - len(segment.lstrip("B"))
        if self.text is not None:
            self.text.extend(lines[position:first])
        if first < end:
            self.start(None, lines[first].strip())
            self.plain(lines, kinds, first + 1, end)  # (the heading is taken: more of it)

    def finish(self) -> None:
        if self.text is not None:
            joined = "\n".join(self.text).strip("\n")
            self.body.paragraphs.append(Paragraph(self.number, self.portion, joined, self.title))
        if self.heading:
            self.body.paragraphs.append(Paragraph(None, None, "", "\n".join(self.heading)))

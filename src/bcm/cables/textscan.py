"""The cleaned lines joined once, and the per-line facts the body needs, found in whole-text
scans instead of a regex per line.

Every scan pattern starts with the newline before a line (the text is ``"\\n" + lines``):
the regex engine then only tries line starts. The facts are line-local (a pattern never
reaches into the next line), except that ``BODY_SPECIAL_LINE``'s ``PAGE\\s`` may take the
newline ending its line, which hides the next line from the scan; ``BodyScan.from_line``
keeps that behaviour when the body is looked at again from a later line.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate
from operator import add

from bcm.cables import lines as L


@dataclass(frozen=True, slots=True)
class JoinedLines:
    """``"\\n"`` + the lines joined by newlines, and the offset of each line's last character
    (of the newline before it when the line is empty): ``line_at`` maps offsets to lines."""

    text: str
    ends: list[int]

    @classmethod
    def of(cls, lines: list[str]) -> JoinedLines:
        ends = list(map(add, accumulate(map(len, lines)), range(len(lines))))
        return cls("\n" + "\n".join(lines), ends)

    def line_at(self, offset: int) -> int:
        """The index of the line holding ``offset`` (its preceding newline included)."""
        return bisect_left(self.ends, offset)

    def newline_before(self, index: int) -> int:
        """The offset of the newline that starts line ``index``."""
        return self.ends[index - 1] + 1 if index else 0


@dataclass(frozen=True, slots=True)
class BodyScan:
    """Line indexes, from line ``start`` on: paragraph-start candidates, rules, and the lines
    that may be noise or a classification line (``specials``), each sorted."""

    start: int
    paragraphs: list[int]
    rules: list[int]
    specials: list[int]
    # (start, end) offsets of the special matches, to tell whether one ran past a line end.
    spans: list[tuple[int, int]]

    @classmethod
    def of(cls, joined: JoinedLines, start: int) -> BodyScan:
        text, line_at = joined.text, joined.line_at
        position = joined.newline_before(start)
        paragraphs = [line_at(m.start()) for m in L.PARAGRAPH_LINE.finditer(text, position)]
        rules = [line_at(m.start()) for m in L.RULE_LINE.finditer(text, position)]
        spans = [m.span() for m in L.BODY_SPECIAL_LINE.finditer(text, position)]
        specials = {line_at(begin) for begin, _ in spans}
        specials.update(line_at(m.start() - 1) for m in L.PAGE_OF_LINE.finditer(text, position))
        return cls(start, paragraphs, rules, sorted(specials), spans)

    def from_line(self, joined: JoinedLines, start: int) -> BodyScan:
        """The scan of the text from a later line ``start`` on (what ``of`` would give)."""
        position = joined.newline_before(start)
        if start < self.start or any(begin < position < end for begin, end in self.spans):
            return BodyScan.of(joined, start)  # a match took the newline: scan again from there
        # Otherwise the scan from ``position`` finds the same matches as this one past it.
        return BodyScan(
            start,
            self.paragraphs[bisect_left(self.paragraphs, start) :],
            self.rules[bisect_left(self.rules, start) :],
            self.specials[bisect_left(self.specials, start) :],
            [span for span in self.spans if span[0] >= position],
        )

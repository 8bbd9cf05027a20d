"""The cleaned lines joined once, and the per-line facts the body needs, found in one scan of
the whole text instead of a regex per line.

Every scan pattern starts with the newline before a line (the text is ``"\\n" + lines``):
the regex engine then only tries line starts. The facts are line-local (a pattern never
reaches into the next line), except that ``BODY_SPECIAL_LINE``'s ``PAGE\\s`` may take the
newline ending its line, which hides the next line from that scan (not from the others);
``BodyScan`` keeps that behaviour, also when the body is looked at again from a later line.
The lines are the parser's cleaned lines (see ``_BODY_LINE`` for what that allows).
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bcm.cables import lines as L

# The three line-start scans in one: each line is tried once; a line is at most one of them
# (a paragraph start begins with a digit, a rule with "-", a special line with a letter).
# The patterns are L.PARAGRAPH_LINE, L.RULE_LINE and L.BODY_SPECIAL_LINE written so that every
# alternative starts with a character or a set (``\d\d?`` for ``\d{1,2}``, ``---+`` for
# ``-{3,}``): the regex engine then skips an alternative by its first character, which halves
# the cost of the scan. The empty group closing an alternative names its kind.
# A joined line has no trailing white space (``_clean`` strips it, and its one later change, a
# "¶" taken out of a line's first eight characters, cannot leave any at the end of a line of six
# capitals, a digit and a space), so "ends in a digit, then white space" is "ends in a digit":
# the possessive ``[^\n]*+`` with a look-behind checks that once instead of backtracking
# through every line that starts with six capitals.
_BODY_LINE = re.compile(
    r"\n[^\S\n]*(?:"
    r"\d\d?[^\S\n]*\.(?!\d)(?P<P>)"
    r"|---+(?:[^\S\n]+---+)*[^\S\n]*(?=\n|$)(?P<R>)"
    r"|(?:PAGE\s|[A-Za-z] [A-Za-z] |TOP SECRET|SECRET|CONFIDENTIAL|UNCLAS|LIMITED OFFICIAL"
    r"|[A-Z][A-Z]{5,}\b[^\n]*+(?<=\d)(?=\n|$)))"
)


@dataclass(frozen=True, slots=True)
class JoinedLines:
    """``"\\n"`` + the lines joined by newlines: the newline before each line starts it."""

    text: str
    lines: list[str]

    @classmethod
    def of(cls, lines: list[str]) -> JoinedLines:
        return cls("\n" + "\n".join(lines), lines)

    def newline_before(self, index: int) -> int:
        """The offset of the newline that starts line ``index``."""
        return sum(map(len, self.lines[:index])) + index

    def line_indexes(self, offsets: Iterable[int]) -> Iterator[int]:
        """The index of the line holding each offset (its newline included), for offsets in
        increasing order: newlines up to the offset, less one, counted on from the last."""
        text, line, last = self.text, -1, 0
        for offset in offsets:
            line += text.count("\n", last, offset + 1)
            last = offset + 1
            yield line


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
        text = joined.text
        position = joined.newline_before(start)
        paragraphs: list[int] = []
        rules: list[int] = []
        specials: set[int] = set()
        spans: list[tuple[int, int]] = []
        # The line of a match: the newlines up to it, counted gap by gap from line ``start``.
        count, line, last = text.count, start - 1, position
        for match in _BODY_LINE.finditer(text, position):
            begin = match.start() + 1
            line += count("\n", last, begin)
            last = begin
            kind = match.lastgroup
            if kind == "P":
                paragraphs.append(line)
            elif kind == "R":
                rules.append(line)
            else:  # a special line
                specials.add(line)
                spans.append(match.span())
                if text[match.end() - 1] == "\n":  # the next line: hidden from this scan only
                    _paragraph_or_rule(text, match.end() - 1, line + 1, paragraphs, rules)
        if text.find(" OF ", position) >= 0:
            page_of = [m.start() - 1 for m in L.PAGE_OF_LINE.finditer(text, position)]
            specials.update(joined.line_indexes(page_of))
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


def _paragraph_or_rule(
    text: str, newline: int, line: int, paragraphs: list[int], rules: list[int]
) -> None:
    if L.PARAGRAPH_LINE.match(text, newline):
        insort(paragraphs, line)
    elif L.RULE_LINE.match(text, newline):
        insort(rules, line)

"""The whole-text scans give what a scan per line (or per later start) would give."""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate
from operator import add

from hypothesis import given
from hypothesis import strategies as st

from bcm.cables import lines as L
from bcm.cables.body import _heading_lines, _kinds, split_body
from bcm.cables.parser import _clean
from bcm.cables.textscan import BodyScan, JoinedLines

# Lines of each kind the scans look for, and the "PAGE" line whose match takes the newline.
LINES = [
    "",
    "PAGE",
    "PAGE 02 TOKYO 00445 262240Z",
    "TOKYO 00000445  002 OF 004",
    "1. (S//NF) Text.",
    "  12 . (C) Text",
    "1.5 million",
    "-------",
    "--- ---",
    "S E C R E T TOKYO 000445",
    "SECRET",
    "CONFIDENTIAL SECTION 01 OF 02 STATE 023763",
    "SECCRET TOKYO 445",
    "Officials discussed the launch.",
    "ZUMWALT",
    "We wish them luck. BROWNFIELD",
    "2. (U) Done. SMITH",
    "  PAGE 03",
    "\tUNCLASSIFIED",
    "a b c",
    "TOP SECRET//NOFORN",
    "LIMITED OFFICIAL USE",
    "GOVERNMENT OF JAPAN 2009",
    "GOVERNMENT, 12",
    "GOVERNMENTS2",
    "----- x",
    "    --- --- ---   ",
    "123. x",
]
texts = st.lists(st.sampled_from(LINES), min_size=1, max_size=14)


@given(texts, st.data())
def test_scan_from_a_later_line_is_a_fresh_scan(lines: list[str], data: st.DataObject) -> None:
    joined = JoinedLines.of(lines)
    first = data.draw(st.integers(0, len(lines) - 1))
    later = data.draw(st.integers(first, len(lines) - 1))
    assert BodyScan.of(joined, first).from_line(joined, later) == BodyScan.of(joined, later)


def separate_scans(lines: list[str], start: int) -> tuple[list[int], list[int], list[int]]:
    """The body's lines of each kind as four scans of the text find them, one per pattern."""
    text = "\n" + "\n".join(lines)
    ends = list(map(add, accumulate(map(len, lines)), range(len(lines))))
    position = ends[start - 1] + 1 if start else 0

    def found(pattern: re.Pattern[str], back: int = 0) -> list[int]:
        return [bisect_left(ends, m.start() - back) for m in pattern.finditer(text, position)]

    specials = set(found(L.BODY_SPECIAL_LINE)) | set(found(L.PAGE_OF_LINE, 1))
    return found(L.PARAGRAPH_LINE), found(L.RULE_LINE), sorted(specials)


@given(texts, st.data())
def test_one_scan_finds_what_a_scan_per_pattern_finds(
    lines: list[str], data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(lines) - 1))
    scan = BodyScan.of(JoinedLines.of(lines), start)
    assert (scan.paragraphs, scan.rules, scan.specials) == separate_scans(lines, start)


@given(texts)
def test_scan_finds_the_lines_of_each_kind(lines: list[str]) -> None:
    scan = BodyScan.of(JoinedLines.of(lines), 0)
    kinds = _kinds(lines)
    assert scan.paragraphs == [i for i, kind in enumerate(kinds) if kind == "P"]
    assert scan.rules == [i for i, kind in enumerate(kinds) if kind == "R"]
    noise = {i for i, line in enumerate(lines) if L.is_noise(line) or L.LONE_LEVEL.match(line)}
    hidden = {i + 1 for i, line in enumerate(lines) if line == "PAGE"}  # see the last test
    assert noise - hidden <= set(scan.specials)


@given(texts)
def test_split_body_with_kinds_given_is_split_body(lines: list[str]) -> None:
    assert split_body(lines, kinds=_kinds(lines)) == split_body(lines)


def test_a_page_line_hides_the_next_line_from_the_special_scan() -> None:
    lines = ["PAGE", "SECRET", "SECRET"]
    scan = BodyScan.of(JoinedLines.of(lines), 0)
    assert scan.specials == [0, 2]
    assert BodyScan.of(JoinedLines.of(lines), 1).specials == [1, 2]


def headings_run_by_run(kinds: str) -> set[int]:
    """Heading lines as the first version found them: every run, and the run after it."""
    headings: set[int] = set()
    runs = [(m.start(), m.end()) for m in re.finditer(r"[PTR][TR]*", kinds)]
    for position, (start, end) in enumerate(runs):
        run = kinds[start:end]
        if "P" in run:
            continue
        rules = run.count("R")
        following = kinds[slice(*runs[position + 1])] if position + 1 < len(runs) else ""
        followed_by_rule = bool(following) and following.count("R") == len(following)
        if (rules or followed_by_rule) and len(run) - rules <= 4:
            headings.update(range(start, end))
    return headings


@given(st.text(alphabet="BPTR", max_size=40))
def test_headings_are_found_as_run_by_run(kinds: str) -> None:
    assert _heading_lines([], kinds) == headings_run_by_run(kinds)


@given(st.text(alphabet="AB1 \t\\¶\n\x0b", max_size=60))
def test_a_cleaned_line_ends_in_white_space_only_when_too_short_for_a_special_line(
    text: str,
) -> None:
    # The body scan relies on this: a line of six capitals, a digit and a space (eight
    # characters at least) never ends in white space, so "a digit at the end" is tested
    # without allowing white space after it.
    lines, _ = _clean(text)
    assert all(len(line) < 8 for line in lines if line[-1:].isspace())
    assert "¶" in text or all(not line[-1:].isspace() for line in lines)


def test_the_scan_finds_a_line_of_capitals_that_ends_in_a_digit() -> None:
    lines = ["GOVERNMENT OF JAPAN 2009", "GOVERNMENT OF JAPAN", "  SECCRET TOKYO 445", "ABCDEF1"]
    assert BodyScan.of(JoinedLines.of(lines), 0).specials == [0, 2]

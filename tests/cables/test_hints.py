"""The structure hint, rewritten to skip preamble words, still finds every line the parser
takes for the start of the telegram (its first spelling kept here as the reference); a line
the header takes before the parser's own tests passes none of those tests."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bcm.cables import lines as L
from bcm.cables.header import HeaderReader
from bcm.cables.parser import _FORMAT_LINE, _STRUCTURE_HINT

FIRST_HINT = re.compile(
    r"\n(?:VZCZC|ZZ|OO|PP|RR|YY|DE\s|[ZOPRY]\s|FM\s|[A-Z]+DAY,"
    r"|[^\S\n]*(?:[A-Za-z] [A-Za-z] |TOP SECRET|SECRET|CONFIDENTIAL|UNCLAS|LIMITED|[A-Z]{6}))",
    re.IGNORECASE,
)

words = st.sampled_from(
    [
        "VZCZCXYZ0002",
        "OO",
        "RUEHWEB",
        "DE",
        "#0445/01",
        "0572240",
        "O",
        "262240Z",
        "FEB",
        "09",
        "FM",
        "Monday,",
        "SATURDAY,",
        "wednesday,",
        "HOLIDAY,",
        "12",
        "May",
        "2003,",
        "10:15",
        "S E C R E T",
        "s e c r e t",
        "SECCRET",
        "Secret",
        "CONFIDENTAL",
        "Classification",
        "TOKYO",
        "000445",
        "SECTION 01 OF 02",
    ]
)
lines = st.tuples(st.sampled_from(["", " ", "\t"]), st.lists(words, min_size=1, max_size=6)).map(
    lambda parts: parts[0] + " ".join(parts[1])
)


def _structural(line: str) -> bool:
    stripped = line.strip()
    found = L.classification_line(stripped) if stripped else None
    return bool(_FORMAT_LINE.match(stripped)) or (found is not None and found.number is not None)


@given(lines)
def test_every_structure_line_the_first_hint_found_is_found(line: str) -> None:
    if _structural(line) and FIRST_HINT.match("\n" + line):
        assert _STRUCTURE_HINT.match("\n" + line)


@given(lines)
def test_the_hint_is_found_only_where_it_was(line: str) -> None:
    new, first = _STRUCTURE_HINT.match("\n" + line), FIRST_HINT.match("\n" + line)
    assert new is None or first is not None


def test_preamble_words_are_not_hints() -> None:
    assert FIRST_HINT.match("\nClassification")
    assert not _STRUCTURE_HINT.match("\nClassification")
    assert _STRUCTURE_HINT.match("\n  Saturday, 13 March 2004, 10:00")


header_words = st.sampled_from(
    [
        "VZCZCXYZ0002",
        "DE",
        "ZNY",
        "FM",
        "O",
        "r",
        "P",
        "OO",
        "RR",
        "TO",
        "INFO",
        "XMT",
        "TO/RUEHC/SECSTATE",
        "RUEHKO",
        "#0445/01",
        "0572240",
        "262240Z",
        "FEB",
        "09",
        "SSSSS",
        "S E C R E T",
        "SECRET",
        "SECCRET",
        "TOKYO",
        "000445",
        "NOFORN",
        "SIPDIS",
        "TAGS",
        "REF",
        "E.O.",
        "1.",
        "(C)",
        "IMMEDIATE",
        "1087",
    ]
)
header_lines = st.lists(header_words, min_size=1, max_size=6).map(" ".join)


@given(header_lines, st.sampled_from([None, "TO", "INFO", "XMT"]))
def test_a_line_the_header_takes_first_passes_none_of_the_text_tests(
    line: str, open_list: str | None
) -> None:
    reader = HeaderReader()
    reader._list = open_list
    if not reader.take_header_line(line, 1):
        return
    assert L.classification_line(line) is None
    assert not (L.LABEL_HINT.match(line) and L.FIELD_LABEL.match(line))
    assert L.captions(line) is None
    assert ":" not in line
    assert not L.is_paragraph_start(line)

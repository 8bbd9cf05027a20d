"""Regexes rewritten for speed match what their first spelling matched (kept here as the
reference), and the pre-tests that skip a regex only skip it where it cannot match."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bcm.cables import fields as F
from bcm.cables import header as H
from bcm.cables import lines as L
from bcm.cables.parser import _FORMAT_LINE

ZERO_AS_O = re.compile(r"\b0(?=[A-Z]{3})|(?<=[A-Z]{3})0\b|(?<=[A-Z])0(?=[A-Z])")
O_AS_ZERO = re.compile(r"(?<![A-Z])O(?=\d\b)")
SECTION_NO = re.compile(r"\b1\s?\.\s?([245])(?![0-9])")
FORMAT_PATTERNS = ("FL1", "FL2", "FL3", "FL5", "FM", "DATE_LINE")

ids = st.text(alphabet="0O1AB CD_é-.ſ9", max_size=14)
reasons = st.text(alphabet="1.4 5(b)xé,", max_size=14)
tails = st.lists(
    st.sampled_from(["for", "per", "and", "reasons", "reason(s)", "rea", "para", "E.O. 12958"])
    | st.text(alphabet="rdnsaſ8RDNSA ,;:(-.)xX\u00a0", max_size=3),
    max_size=5,
).map("".join)


@given(ids)
def test_zero_and_o_fixes_as_first_written(text: str) -> None:
    assert F._ZERO_AS_O.sub("O", text) == ZERO_AS_O.sub("O", text)
    assert F._O_AS_ZERO.sub("0", text) == O_AS_ZERO.sub("0", text)


@given(reasons)
def test_reason_sections_as_first_written(text: str) -> None:
    assert [m.span(1) for m in F._SECTION_NO.finditer(text)] == [
        m.span(1) for m in SECTION_NO.finditer(text)
    ]


@given(tails)
def test_trailing_reason_words_are_searched_for_whenever_they_can_end_the_text(
    text: str,
) -> None:
    ending = ("x " + text)[-1]
    if not (ending.isspace() or ending in ",;:(-" or ending.lower() in "rdnsa\u017f8"):
        assert F._TRAILING_NOISE.sub("", "x " + text) == "x " + text


def test_format_line_regex_is_any_of_the_format_lines() -> None:
    samples = [
        "VZCZCXYZ0002",
        "OO RUEHWEB",
        "DE RUEHKO #0445/01 0572240",
        "O 262240Z FEB 09",
        "o p 262240z feb 09",
        "FM AMEMBASSY TOKYO",
        "monday, 12 may 2003, 10:15",
        "ZNY SSSSS ZZH",
        "TO RUEHC/SECSTATE WASHDC",
        "",
    ]
    for line in samples:
        expected = any(getattr(H, name).match(line) for name in FORMAT_PATTERNS)
        assert bool(_FORMAT_LINE.match(line)) == expected, line


@given(st.text(alphabet="TSCULtscul ſOPECRNFIDAM19x", max_size=12))
def test_classification_hint_is_what_classification_line_tests_first(line: str) -> None:
    if not L.CLASSIFICATION_HINT.match(line):
        assert L.classification_line(line) is None


noisy_names = st.tuples(
    st.text(alphabet="James P.Zumwalt,'a.i;éſK\u212a\u00a0\n", max_size=12), tails
).map("".join)


@given(noisy_names)
def test_trailing_noise_searched_in_its_tail_is_the_regex_substitution(text: str) -> None:
    assert F._without_trailing_noise(text) == F._TRAILING_NOISE.sub("", text)


spaced = st.text(alphabet=" \t\n\x0b\x1c\x1f\x85\xa0\u2002\u2028\u3000\u200bab.", max_size=14)


@given(spaced)
def test_single_spacing_by_split_is_the_regex_substitution(text: str) -> None:
    assert F.single_spaced(text) == F._SPACES.sub(" ", text).strip()


def routed_addressee_as_first_written(
    routing_indicator: str | None, line: str
) -> tuple[str, str | None, str | None, str | None] | None:
    serial = None
    if line[-5:-4] == " " and line[-4:].isdigit():
        line, serial = line[:-5].rstrip(), line[-4:]
    precedence = None
    if line.endswith(F._PRECEDENCE_ENDINGS):
        precedence = line.rsplit(" ", 1)[1]
        if precedence == "IMMEDIATE" and line.endswith(" NIACT IMMEDIATE"):
            precedence = "NIACT IMMEDIATE"
        line = line[: -len(precedence) - 1].rstrip()
    if not line:
        return None
    return line, routing_indicator, precedence, serial


addressee_tails = st.lists(
    st.sampled_from(["NIACT", "IMMEDIATE", "PRIORITY", "ROUTINE", "FLASH", "1087", "¹²³⁴", "A"])
    | st.text(alphabet=" \t\u00a0X1", max_size=2),
    max_size=6,
).map(" ".join)


@given(addressee_tails)
def test_routed_addressee_reads_as_first_written(line: str) -> None:
    found = F.routed_addressee("RUEHC", line)
    expected = routed_addressee_as_first_written("RUEHC", line)
    read = found and (found.address, found.routing_indicator, found.precedence, found.serial)
    assert read == expected

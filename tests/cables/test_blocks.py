"""Duplicated caption blocks: the copy is read like the first block, line for line."""

from __future__ import annotations

from bcm.cables import parse

HEADER = """VZCZCXYZ0002
OO RUEHWEB
DE RUEHKO #0445/01 0572240
ZNY SSSSS ZZH
O 262240Z FEB 09
FM AMEMBASSY TOKYO
TO RUEHC/SECSTATE WASHDC IMMEDIATE 1087
"""

BLOCK = """C O N F I D E N T I A L TOKYO 000445

SIPDIS

STATE FOR EAP/J
E.O. 12958: {decl}: 02/26/2019
{tags}
SUBJECT: CAPTION BLOCKS

Classified By: James P. Zumwalt, reasons 1.4 (b/d)

{rule}
SUMMARY
{rule}
"""

BODY = """
1. (C) The text.

ZUMWALT
"""


def _telegram(first: dict[str, str], second: dict[str, str]) -> str:
    return HEADER + BLOCK.format(**first) + "\n" + BLOCK.format(**second) + BODY


PLAIN = {"decl": "DECL", "tags": "TAGS: PREL JA", "rule": "-------"}


def test_an_identical_copy_reads_as_the_first_block() -> None:
    twice = parse(_telegram(PLAIN, PLAIN))
    once = parse(HEADER + BLOCK.format(**PLAIN) + BODY)
    assert twice.warnings == (*once.warnings, "line 23: duplicated caption block ignored")
    assert twice.captions == once.captions == ("SIPDIS",)
    assert twice.offices == once.offices == ("STATE FOR EAP/J",)
    assert (twice.tags, twice.subject, twice.classified_by) == (
        once.tags,
        once.subject,
        once.classified_by,
    )
    assert twice.paragraphs == once.paragraphs


def test_the_copy_fills_what_the_first_block_lacks() -> None:
    telegram = parse(_telegram({**PLAIN, "tags": ""}, {**PLAIN, "tags": "TAGS: PARM KN"}))
    assert telegram.tags == ("PARM", "KN")


def test_a_copy_with_longer_rules_reads_the_same() -> None:
    telegram = parse(_telegram(PLAIN, {**PLAIN, "rule": "--------------"}))
    assert telegram.tags == ("PREL", "JA")
    assert telegram.paragraphs[0].heading == "SUMMARY"


def test_a_warning_in_the_first_block_is_repeated_for_the_copy() -> None:
    telegram = parse(_telegram({**PLAIN, "decl": "DECLl"}, {**PLAIN, "decl": "DECLl"}))
    typos = [warning for warning in telegram.warnings if "'DECLl' read as DECL" in warning]
    assert typos == [f"line {number}: E.O. line: 'DECLl' read as DECL" for number in (13, 28)]

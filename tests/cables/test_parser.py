"""Parser cases from issue #3 not covered by the test cables: older telegrams, messy lines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bcm.cables import banner, declassification_date, message_id, parse, render, rollup
from bcm.errors import InvalidInput

OLD = """P R 281848Z DEC 66
FM AMEMBASSY MADRID
TO SECSTATE WASHDC PRIORITY 4521
INFO AMEMBASSY LISBON
S E C R E T MADRID 05480

E.O. 12356: DECL: OADR
TAGS: PREL SP
SUBJECT: (C) BASES NEGOTIATIONS

1. (S) FIRST PARAGRAPH.

2. (C) SECOND PARAGRAPH.
SMITH
"""


def test_older_telegram_without_format_lines() -> None:
    cable = parse(OLD)
    assert cable.header is None
    assert cable.warnings == ()
    assert cable.datetime == datetime(1966, 12, 28, 18, 48, tzinfo=UTC)  # 66 -> 1966
    assert (cable.precedence, cable.info_precedence) == ("PRIORITY", "ROUTINE")
    assert message_id(cable) == "66MADRID5480"
    to = cable.to[0]
    assert (to.routing_indicator, to.address, to.precedence, to.serial) == (
        None,
        "SECSTATE WASHDC",
        "PRIORITY",
        "4521",
    )
    assert cable.info[0].address == "AMEMBASSY LISBON"
    assert (cable.executive_order, cable.declassify_on) == ("12356", "OADR")
    assert (cable.subject_portion, cable.subject) == ("C", "BASES NEGOTIATIONS")
    assert [p.portion for p in cable.paragraphs] == ["S", "C"]
    assert cable.signature == "SMITH"


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("S E C R E T MADRID 05480", "SECRET"),
        ("S E C C R E T MADRID 05480", "SECRET"),  # a letter doubled
        ("C O N F I D E N I A L MADRID 05480", "CONFIDENTIAL"),  # a letter dropped
        ("s e c r e t MADRID 05480", "SECRET"),  # mixed case
        ("CONFIDENTIAL MADRID 05480", "CONFIDENTIAL"),
        ("CONFIDENTAL MADRID 05480", "CONFIDENTIAL"),
        ("UNCLAS SECTION 01 OF 02 MADRID 05480", "UNCLASSIFIED"),
        ("UNCLASSIFIED MADRID 5480", "UNCLASSIFIED"),
    ],
)
def test_messy_classification_lines(line: str, level: str) -> None:
    cable = parse(OLD.replace("S E C R E T MADRID 05480", line))
    assert cable.classification == level
    assert cable.number == 5480
    assert cable.post == "MADRID"


def test_two_digit_years() -> None:
    assert parse(OLD.replace("DEC 66", "DEC 49")).datetime == datetime(
        2049, 12, 28, 18, 48, tzinfo=UTC
    )
    assert parse(OLD.replace("DEC 66", "DEC 50")).datetime.year == 1950  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "order", "value", "day"),
    [
        ("E.O. 12958: DECL: 05/12/2018", "12958", "05/12/2018", "2018-05-12"),
        ("EO 12958 DECL: 2034/10/27", "12958", "2034/10/27", "2034-10-27"),
        ("E.O. 12958: DECLl: 05/12/2018", "12958", "05/12/2018", "2018-05-12"),
        ("E.o. 12958: decl: 6/3/08", "12958", "6/3/08", "2008-06-03"),
        ("E.O. 12958: N/A", "12958", None, None),
        (
            "E.O. 12958: DECL: AFTER KOREAN REUNIFICATION",
            "12958",
            "AFTER KOREAN REUNIFICATION",
            None,
        ),
        ("E.O. 12065: GDS 8/12/85", "12065", "GDS 8/12/85", None),
        ("E.O. 12958: DNG: CO 12/31/2010", "12958", "DNG: CO 12/31/2010", None),
    ],
)
def test_declassification_line_variants(
    line: str, order: str, value: str | None, day: str | None
) -> None:
    cable = parse(OLD.replace("E.O. 12356: DECL: OADR", line))
    assert (cable.executive_order, cable.declassify_on) == (order, value)
    found = declassification_date(cable.declassify_on)
    assert (found.isoformat() if found else None) == day


def test_classified_by_variants() -> None:
    variants = {
        "Classified By: Ambassador Deborah K. Jones for Reasons 1.4 (b) and (d)": (
            "Ambassador Deborah K. Jones",
            ("1.4(b)", "1.4(d)"),
        ),
        "CLASSIFIED BY: William R. Brownfield, Ambassador; REASON: 1.4(B), \n(C), (D)": (
            "William R. Brownfield, Ambassador",
            ("1.4(b)", "1.4(c)", "1.4(d)"),
        ),
        "Classified By: PDAS Craig Kelly, reasons 1.5 B,D": (
            "PDAS Craig Kelly",
            ("1.5(b)", "1.5(d)"),
        ),
    }
    for text, (who, reasons) in variants.items():
        cable = parse(OLD.replace("SUBJECT: (C) BASES NEGOTIATIONS", text))
        assert (cable.classified_by, cable.reasons) == (who, reasons)


def test_banner_from_captions_and_rollup_from_portions() -> None:
    cable = parse(OLD.replace("MADRID 05480\n", "MADRID 05480\n\nNOFORN\nSIPDIS\n"))
    assert banner(cable) == "SECRET//NOFORN"
    assert cable.captions == ("NOFORN", "SIPDIS")
    assert rollup(parse(OLD)) == "SECRET//NOFORN"  # legacy portions carry no release marking


def test_unreadable_portion_mark_is_a_warning_and_kept_in_text() -> None:
    cable = parse(OLD.replace("1. (S) FIRST", "1. (SX/QQ) FIRST"))
    assert cable.paragraphs[0].portion is None
    assert cable.paragraphs[0].text.startswith("(SX/QQ) FIRST")
    assert any("(SX/QQ)" in warning for warning in cable.warnings)


def test_markup_entities_and_anchors_are_cleaned() -> None:
    text = OLD.replace("1. (S) FIRST", "<p>¶1. (S) FIRST&#8217;S</p>")
    cable = parse(text)
    assert cable.paragraphs[0].number == 1
    assert cable.paragraphs[0].text.startswith("FIRST’S")
    assert "markup removed" in cable.warnings
    assert "HTML entities decoded" in cable.warnings


@pytest.mark.parametrize("text", ["", "   \n\n", "just some prose without structure", "\x00\x01"])
def test_text_without_any_telegram_structure_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse(text)


def test_partial_extract_with_a_date_line() -> None:
    text = OLD.replace("P R 281848Z DEC 66\n", "Wednesday, 29 November 2000, 13:59\n")
    cable = parse(text)
    assert cable.datetime == datetime(2000, 11, 29, 13, 59, tzinfo=UTC)
    assert cable.precedence is None
    assert message_id(cable) == "00MADRID5480"
    assert cable.warnings == ()
    again = parse(render(cable))
    assert again == cable


def test_eo_13526_classification_block() -> None:
    block = (
        "Classified By: Deputy Chief of Mission Kevin Maher\n"
        "Reason: 1.4(b)(d)\n"
        "Declassify On: 20320109"
    )
    cable = parse(OLD.replace("E.O. 12356: DECL: OADR", block))
    assert cable.classified_by == "Deputy Chief of Mission Kevin Maher"
    assert cable.reasons == ("1.4(b)", "1.4(d)")
    assert (cable.executive_order, cable.declassify_on) == ("13526", "20320109")
    assert parse(render(cable)) == cable
    assert str(declassification_date(cable.declassify_on)) == "2032-01-09"
    assert str(declassification_date("25X1, 20320109")) == "2032-01-09"

"""Each consistency check of cable-format.md §4, made to fire on an edited real telegram."""

from __future__ import annotations

import pytest

from bcm.cables import lint, parse, render_view, view
from bcm.markings import Clearance
from tests.cables.conftest import DATA, read

CLEAN = read(DATA / "09BOGOTA3271.txt")  # lints clean (test_acceptance)


@pytest.mark.parametrize(
    ("old", "new", "finding"),
    [
        ("ZNY SSSSS ZZH", "ZNY CCCCC ZZH", "security warning line"),
        ("#3271 ", "#3272 ", "station serial #3272"),
        ("#3271 3002305", "#3271 2952305", "Julian day 295"),
        ("#3271 3002305", "#3271 3002300", "filing time 2300Z is before"),
        ("RR RUEHWEB", "PP RUEHWEB", "precedence prosign PP"),
        ("TO RUEHC/SECSTATE WASHDC 0536", "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0536", "highest"),
        ("1. (S/NF)", "1. (TS/NF)", "is lower than ¶1"),
        ("2. (S/NF)", "2. (S/NF/OC)", "lacks ORCON carried by ¶2"),
        ("E.O. 12958: DECL: 2034/10/27", "E.O. 12958: N/A", "without a declassification"),
        ("CLASSIFIED BY:", "INFORMATION:", "without a Classified By line"),
        ("3. (S/NF) COMMENT", "3. COMMENT", "unmarked paragraphs: 3"),
    ],
)
def test_each_check_fires(old: str, new: str, finding: str) -> None:
    assert old in CLEAN
    findings = lint(parse(CLEAN.replace(old, new)))
    assert any(finding in f for f in findings), findings


def test_noforn_caption_without_noforn_portion() -> None:
    text = CLEAN.replace("(S/NF)", "(S)")
    assert "NOFORN caption but no portion carries NOFORN" in lint(parse(text))


def test_filing_after_midnight_is_not_a_finding() -> None:
    text = CLEAN.replace("#3271 3002305", "#3271 3010005")
    assert lint(parse(text)) == []


def test_legacy_portions_without_release_marking_are_not_a_finding() -> None:
    text = CLEAN.replace("NOFORN \n", "").replace("(S/NF)", "(S)")
    assert lint(parse(text)) == []


def test_section_number_against_fl3() -> None:
    cable = read(DATA / "07STATE156011.txt")
    findings = lint(parse(cable.replace("#6011/01", "#6011/02")))
    assert any("section /02" in finding for finding in findings)


# --- views fail closed ------------------------------------------------------------------------


def test_unreadable_mark_is_withheld_even_from_a_cleared_reader() -> None:
    text = CLEAN.replace("2. (S/NF)", "2. (SNF)")
    reader_view = view(parse(text), Clearance("USA", "TOP SECRET"))
    by_name = {part.name: part.visible for part in reader_view.parts}
    assert by_name["paragraph 1"] is True
    # "(SNF)" is not a mark the core reads: the paragraph takes the declared banner instead.
    assert by_name["paragraph 2"] is True
    no_banner = view(parse(text.replace("S E C R E T BOGOTA 003271", "")), Clearance("USA", "TS"))
    assert [part.name for part in no_banner.parts if part.visible] == ["paragraph 1", "paragraph 3"]
    assert "PARTIAL VIEW" in render_view(no_banner)


def test_compartments_decide_sci_paragraphs() -> None:
    text = CLEAN.replace("S E C R E T BOGOTA", "T O P S E C R E T BOGOTA").replace(
        "2. (S/NF)", "2. (TS//SI//NF)"
    )
    cable = parse(text)
    without = view(cable, Clearance("USA", "TOP SECRET"))
    with_si = view(cable, Clearance("USA", "TOP SECRET", compartments=["SI"]))
    assert "paragraph 2" in without.withheld
    assert "paragraph 2" not in with_si.withheld
    assert with_si.banner == "TOP SECRET//SI//NOFORN"

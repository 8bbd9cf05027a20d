"""Parsing and checking: legacy cable forms, strict modern rules, suggestions, errors."""

from __future__ import annotations

import pytest

from bcm.markings import Level, MarkingError, check_marking, parse_label, render_banner

# Legacy forms found in real cables (markings.md §3 [EMP]): valid, canonicalized.
LEGACY = [
    ("(S/NF)", "(S//NF)"),
    ("(C/NF)", "(C//NF)"),
    ("(SBU)", "(U//SBU)"),
    ("(SBU/NF)", "(U//SBU-NF)"),
    ("(SBU NOFORN)", "(U//SBU-NF)"),
    ("(C/REL NATO)", "(C//REL TO USA, NATO)"),
    ("(S/REL UK)", "(S//REL TO USA, GBR)"),
    ("(C/REL GERMANY)", "(C//REL TO USA, DEU)"),
    ("(C//REL ISAF)", "(C//REL TO USA, ISAF)"),
    ("(S/REL UK AND FRANCE)", "(S//REL TO USA, FRA, GBR)"),
    ("(C - ENTIRE TEXT)", "(C)"),
    ("CONFIDENTIAL - ENTIRE TEXT.", "CONFIDENTIAL"),
    ("(C NF)", "(C//NF)"),
    ("(S-NF)", "(S//NF)"),
    ("SECRET/REL FRANCE", "SECRET//REL TO USA, FRA"),
    ("SECRET/NOFORN", "SECRET//NOFORN"),
    ("UNCLAS", "UNCLASSIFIED"),
    ("S E C R E T", "SECRET"),
    ("C O N F I D E N T I A L", "CONFIDENTIAL"),
    # Legacy SCI without a foreign-disclosure marking: no release decision, written as NOFORN.
    ("(TS/SI)", "(TS//SI//NF)"),
    # LIMITED OFFICIAL USE, State's caveat before SBU (older cables).
    ("(LOU)", "(U//SBU)"),
    ("LIMITED OFFICIAL USE", "UNCLASSIFIED//SBU"),
    ("(S/TK/NF)", "(S//TK//NF)"),
    ("(TS/SI-G/OC/NF)", "(TS//SI-G//OC/NF)"),
    ("(TS/SI/REL TO USA, GBR)", "(TS//SI//REL TO USA, GBR)"),
]


@pytest.mark.parametrize(("text", "canonical"), LEGACY)
def test_legacy_forms_are_valid_and_canonicalized(text: str, canonical: str) -> None:
    result = check_marking(text)
    assert result.valid, result.problems
    assert result.canonical == canonical
    assert result.legacy or text == "UNCLAS" or " " in text


@pytest.mark.parametrize(
    ("text", "rule", "suggestion"),
    [
        ("SECRET//REL TO CAN, USA, GBR", "rel-to-usa-first", "SECRET//REL TO USA, CAN, GBR"),
        ("SECRET//REL TO USA, GBR, CAN", "rel-to-order", "SECRET//REL TO USA, CAN, GBR"),
        ("SECRET//NOFORN/ORCON", "dissem-order", "SECRET//ORCON/NOFORN"),
        ("SECRET//REL TO USA, GBR/PROPIN", "dissem-order", "SECRET//PROPIN/REL TO USA, GBR"),
        ("SECRET//FISA/REL TO USA, GBR", "dissem-order", "SECRET//REL TO USA, GBR/FISA"),
        ("SECRET//NOFORN//TK", "category-order", "SECRET//TK//NOFORN"),
        ("SECRET//REL TO USA, GERMANY", "country-name", "SECRET//REL TO USA, DEU"),
        ("(S//FGI GBR DEU//NF)", "fgi-order", "(S//FGI DEU GBR//NF)"),
        ("NATO SECRET", "foreign-class-needs-slashes", "//NATO SECRET"),
        ("//NATO TOP SECRET", "nato-top-secret-is-cosmic", "//COSMIC TOP SECRET"),
        ("SECRET//NOFORN//NODIS/LIMDIS", "non-ic-order", "SECRET//NOFORN//LIMDIS/NODIS"),
    ],
)
def test_ordering_problems_suggest_the_canonical_form(
    text: str, rule: str, suggestion: str
) -> None:
    result = check_marking(text)
    assert not result.valid
    assert [p.rule for p in result.problems] == [rule]
    assert result.suggestion == suggestion
    with pytest.raises(MarkingError) as caught:
        parse_label(text)
    assert caught.value.suggestion == suggestion
    assert "did you mean" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "rule", "message"),
    [
        ("SECRET//NOFORN/REL TO USA, CAN", "noforn-with-rel-to", "cannot be combined with REL"),
        ("SECRET//REL TO CAN", "rel-to-usa-first", "REL TO must list USA first"),
        ("S//FOUO", "fouo-only-unclassified", "FOUO is only valid on UNCLASSIFIED"),
        ("CONFIDENTIAL//REL TO USA", "rel-to-usa-only", "at least one country besides USA"),
        ("RESTRICTED//NOFORN", "restricted-not-us", "not a U.S. classification"),
        ("SECRET//EXDIS/NODIS", "exdis-with-nodis", "EXDIS and NODIS cannot be combined"),
        ("SECRET//REL TO USA, CAN//NODIS", "exdis-nodis-releasable", "cannot be released"),
        ("//NATO SECRET//ATOMAL//NOFORN", "noforn-on-nato", "NOFORN cannot be used on NATO"),
        ("//COSMIC SECRET", "cosmic-top-secret-only", "COSMIC is only used for NATO TOP SECRET"),
        ("UNCLASS", "unknown-level", None),
        ("TOP/SECRET", "unknown-level", None),
        ("SECRET//NOFORN/XYZZY", "unknown-token", None),
        ("SECRET//REL TO USA, QQQ", "unknown-country", None),
        ("SECRET//REL", "rel-needs-list", None),
        ("(S//SAR-A/B/C/D/E)", "sap-too-many", None),
        ("S//HCS//REL TO USA, GBR", "hcs-kdk-need-noforn", None),
    ],
)  # fmt: skip
def test_rule_violations(text: str, rule: str, message: str | None) -> None:
    result = check_marking(text)
    assert not result.valid
    assert rule in [p.rule for p in result.problems]
    if message is not None:
        assert any(message in p.message for p in result.problems)


def test_case_and_spacing_do_not_matter() -> None:
    for text in (
        "secret//rel to usa,jpn",
        " Secret // REL TO  USA ,  JPN ",
        "SECRET//REL TO USA JPN",
    ):
        assert check_marking(text).canonical == "SECRET//REL TO USA, JPN"


def test_banner_and_portion_forms_of_one_label() -> None:
    result = check_marking("(TS//SI-G ABCD/TK//RD-N//FGI DEU//OC/NF//ND)")
    assert result.valid, result.problems
    assert result.banner == "TOP SECRET//SI-G ABCD/TK//RD-N//FGI DEU//ORCON/NOFORN//NODIS"
    assert result.canonical == "(TS//SI-G ABCD/TK//RD-N//FGI DEU//OC/NF//ND)"


def test_owner_parameter_and_written_owner() -> None:
    assert parse_label("(S//NF)", owner="JPN").owner == "JPN"
    assert render_banner(parse_label("(S//NF)", owner="JPN")) == "//JPN SECRET//NOFORN"
    assert parse_label("//JOINT SECRET USA CAN").joint == ("CAN", "USA")
    assert check_marking("(S)", owner="XXQ").problems[0].rule == "unknown-country"


def test_label_is_hashable_and_cheap_to_compare() -> None:
    a, b = parse_label("(S//NF)"), parse_label("SECRET//NOFORN")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert str(a) == "SECRET//NOFORN"
    assert a.level == Level.S


def test_superseded_caveats_are_dropped() -> None:
    assert check_marking("UNCLASSIFIED//FOUO//SBU").canonical == "UNCLASSIFIED//SBU"
    assert check_marking("UNCLASSIFIED//NOFORN//SBU NOFORN").canonical == "UNCLASSIFIED//SBU NOFORN"
    assert check_marking("SECRET//REL TO USA, GBR, FVEY").canonical == "SECRET//REL TO USA, FVEY"


def test_legacy_sci_keeps_its_compartment_and_reparses() -> None:
    label = parse_label("(TS/SI)")
    assert [c.system for c in label.sci] == ["SI"]
    assert parse_label(render_banner(label)) == label


def test_modern_sci_without_disclosure_stays_invalid() -> None:
    result = check_marking("TOP SECRET//SI")
    assert not result.valid
    assert [p.rule for p in result.problems] == ["sci-needs-disclosure"]


def test_unknown_legacy_token_is_still_an_error() -> None:
    assert [p.rule for p in check_marking("(C/XX)").problems] == ["unknown-token"]

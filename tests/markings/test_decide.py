"""The label decision: the seed acceptance cases and one case per precedence rule.

Allow and deny cases share their setup (the same label, one clearance attribute changed),
so a denial cannot pass for the wrong reason; each case also checks the reason and that
the compiled fast path agrees.
"""

from __future__ import annotations

import pytest

from bcm.markings import (
    Clearance,
    Decision,
    Level,
    MarkingError,
    allows,
    compile_clearance,
    compile_label,
    decide,
    parse_label,
)


def check(clearance: Clearance, marking: str, *, owner: str = "USA") -> Decision:
    label = parse_label(marking, owner=owner)
    decision = decide(clearance, label)
    assert allows(compile_clearance(clearance), compile_label(label)) is decision.allowed
    return decision


def test_seed_acceptance() -> None:
    us_conf, jp_secret = Clearance("USA", "CONFIDENTIAL"), Clearance("JPN", "SECRET")
    assert check(us_conf, "(C)").allowed
    assert not check(us_conf, "(S/NF)").allowed
    denied = check(jp_secret, "(C)")
    assert not denied.allowed
    assert "no release decision" in denied.reason
    assert check(jp_secret, "(S//REL TO USA, JPN)").allowed


CASES = [
    # (clearance args, marking, allowed, reason fragment)
    (("USA", "S"), "TOP SECRET//NOFORN", False, "needs a TOP SECRET clearance"),
    (("USA", "TS"), "TOP SECRET//NOFORN", True, "USA reader"),
    (("USA", "TS", ["SI"]), "TOP SECRET//SI-G//ORCON/NOFORN", False, "not read in to SI-G"),
    (("USA", "TS", ["SI-G"]), "TOP SECRET//SI//NOFORN", True, "USA reader"),
    (("USA", "TS", ["SI-G"], [], ["ORCON"]), "TOP SECRET//SI-G//ORCON/NOFORN", True, "USA"),
    (("USA", "TS", ["SI-G"]), "TOP SECRET//SI-G//ORCON/NOFORN", False, "ORCON"),
    (("USA", "S"), "SECRET//SAR-BP//NOFORN", False, "SAR-BP"),
    (("USA", "S", [], [], ["SAP BP"]), "SECRET//SAR-BP//NOFORN", True, "USA"),
    (("USA", "S", [], [], ["FRD"]), "SECRET//RD//NOFORN", False, "RD"),
    (("USA", "S", [], [], ["RD"]), "SECRET//FRD//NOFORN", True, "USA"),
    (("USA", "S", [], [], ["EXDIS"]), "SECRET//NOFORN//NODIS", False, "NODIS"),
    (("USA", "S", [], [], ["NODIS"]), "SECRET//NOFORN//EXDIS", True, "USA"),
    (("USA", "S"), "SECRET//NOFORN//ACCM-TEA LEAF", False, "ACCM-TEA LEAF"),
    (("JPN", "U"), "UNCLASSIFIED", True, "releasable"),
    (("JPN", "U"), "UNCLASSIFIED//FOUO", True, "releasable"),
    (("JPN", "U"), "(SBU/NF)", False, "NOFORN"),
    (("JPN", "S"), "SECRET//NOFORN", False, "NOFORN"),
    (("GBR", "S"), "SECRET//REL TO USA, FVEY", True, "releasable"),
    (("JPN", "S"), "SECRET//REL TO USA, FVEY", False, "not releasable to JPN"),
    (("DEU", "S"), "SECRET//REL TO USA, NATO", False, "not releasable"),
    (("DEU", "S", [], ["NATO"]), "SECRET//REL TO USA, NATO", True, "releasable"),
    (("AFG", "S"), "SECRET//REL TO USA, GBR/DISPLAY ONLY AFG", True, "view-only"),
    (("JPN", "S"), "SECRET//RELIDO", False, "RELIDO"),
    (("JPN", "S"), "SECRET//REL TO USA, JPN/RELIDO", True, "releasable"),
    (("DEU", "S"), "//DEU SECRET", True, "DEU reader"),
    (("USA", "S"), "//DEU SECRET", False, "no release decision"),
    (("CAN", "S"), "//JOINT SECRET CAN USA", True, "CAN reader"),
    (("GBR", "S"), "//JOINT SECRET CAN USA", False, "no release decision"),
    (("DEU", "S", [], ["NATO"]), "//NATO SECRET", True, "NATO material"),
    (("DEU", "S"), "//NATO SECRET", False, "no release decision"),
]


@pytest.mark.parametrize(("args", "marking", "allowed", "fragment"), CASES)
def test_precedence(args: tuple, marking: str, allowed: bool, fragment: str) -> None:  # type: ignore[type-arg]
    decision = check(Clearance(*args), marking)
    assert decision.allowed is allowed
    assert fragment in decision.reason


def test_display_only_is_view_only() -> None:
    label = "SECRET//REL TO USA, GBR/DISPLAY ONLY AFG"
    assert check(Clearance("AFG", "S"), label).view_only
    assert not check(Clearance("GBR", "S"), label).view_only


def test_owner_from_option_applies_only_when_the_label_names_none() -> None:
    japanese = Clearance("JPN", "S")
    assert check(japanese, "(S//NF)", owner="JPN").allowed
    assert not check(Clearance("USA", "S"), "(S//NF)", owner="JPN").allowed
    # An owner written in the label wins over the option.
    assert parse_label("//DEU SECRET", owner="JPN").owner == "DEU"


def test_every_denial_and_allow_has_a_reason() -> None:
    for args, marking, _allowed, _fragment in CASES:
        assert decide(Clearance(*args), parse_label(marking)).reason


@pytest.mark.parametrize(
    ("args", "rule"),
    [(("XXQ", "S"), "unknown-country"), (("JPN", "SEKRET"), "unknown-level"),
     (("JPN", "S", [], ["NOTAGROUP"]), "unknown-group")],
)  # fmt: skip
def test_bad_clearances_are_marking_errors(args: tuple, rule: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(MarkingError) as caught:
        Clearance(*args)
    assert caught.value.problems[0][0] == rule


def test_clearance_normalizes_and_is_hashable() -> None:
    a = Clearance("jpn", "secret", ["si-g"], ["nato"], ["orcon"])
    b = Clearance("JPN", Level.S, ["SI-G"], ["NATO"], ["ORCON"])
    assert a == b
    assert hash(a) == hash(b)

"""Roll-up: the worked examples of markings.md §6 and the rules behind them."""

from __future__ import annotations

import pytest

from bcm.markings import MarkingError, covers, dominates, parse_label, rollup


def banner(*portions: str) -> str:
    return str(rollup(parse_label(p) for p in portions))


# markings.md §6, "Worked examples" — every row.
WORKED_EXAMPLES = [
    (("(S//NF)", "(C//REL TO USA, GBR)", "(U)"), "SECRET//NOFORN"),
    (("(S//REL TO USA, AUS, GBR)", "(C//REL TO USA, CAN, GBR)"), "SECRET//REL TO USA, GBR"),
    (("(TS//SI//REL TO USA, FVEY)", "(S//REL TO USA, GBR)"), "TOP SECRET//SI//REL TO USA, GBR"),
    (("(C//REL TO USA, JPN)", "(U//FOUO)", "(U)"), "CONFIDENTIAL//REL TO USA, JPN"),
    (("(S//REL TO USA, DEU)", "(S//REL TO USA, FRA)"), "SECRET//NOFORN"),
    (("(S//OC/NF)", "(C)"), "SECRET//ORCON/NOFORN"),
    (("(U//FOUO)", "(U)"), "UNCLASSIFIED//FOUO"),
    (("(S)", "(C//REL TO USA, GBR)"), "SECRET//NOFORN"),
]
# CVE order across the union and the disclosure result (NOFORN before PROPIN, FISA after).
ORDER = [
    (("(U//PR)", "(U//NF)"), "UNCLASSIFIED//NOFORN/PROPIN"),
    (("(S//FISA)", "(C//REL TO USA, GBR)"), "SECRET//NOFORN/FISA"),
    (
        ("(S//REL TO USA, GBR/FISA)", "(C//PR/REL TO USA, GBR)"),
        "SECRET//PROPIN/REL TO USA, GBR/FISA",
    ),
]


@pytest.mark.parametrize(("portions", "expected"), WORKED_EXAMPLES)
def test_worked_examples(portions: tuple[str, ...], expected: str) -> None:
    assert banner(*portions) == expected


def test_seed_portions_roll_up_to_secret_noforn() -> None:
    assert banner("(S/NF)", "(C)", "(U)") == "SECRET//NOFORN"


RULES = [
    # 1. highest level; unclassified alone stays unclassified and releasable
    (("(U)", "(U)"), "UNCLASSIFIED"),
    (("(C)",), "CONFIDENTIAL//NOFORN"),  # 4: classified without REL TO -> NOFORN
    # 2. unions; RD supersedes FRD; > 4 SAPs collapse; concealed FGI collapses
    (("(S//SI-G//OC/NF)", "(TS//TK//NF)"), "TOP SECRET//SI-G/TK//ORCON/NOFORN"),
    (("(S//RD//NF)", "(S//FRD//NF)"), "SECRET//RD//NOFORN"),
    (("(S//SAR-AA/BB/CC//NF)", "(S//SAR-DD/EE//NF)"), "SECRET//SAR-MULTIPLE PROGRAMS//NOFORN"),
    (("(S//FGI DEU//NF)", "(C//FGI//NF)"), "SECRET//FGI//NOFORN"),
    (("(S//FGI GBR//NF)", "(C//FGI DEU//NF)"), "SECRET//FGI DEU GBR//NOFORN"),
    # 3. SBU / FOUO only in unclassified banners; SBU NOFORN gives NOFORN when classified
    (("(U//SBU)", "(U//FOUO)"), "UNCLASSIFIED//SBU"),
    (("(SBU/NF)", "(U)"), "UNCLASSIFIED//SBU NOFORN"),
    (("(SBU/NF)", "(C//REL TO USA, JPN)"), "CONFIDENTIAL//NOFORN"),
    (("(SBU)", "(C//REL TO USA, JPN)"), "CONFIDENTIAL//REL TO USA, JPN"),
    (("(U//DCNI)", "(S//NF)"), "SECRET//NOFORN"),  # UCNI only in unclassified banners
    (("(U//DCNI)", "(U)"), "UNCLASSIFIED//DOD UCNI"),
    # 5. groups kept when in every list; opaque tetragraphs intersect as tokens
    (("(S//REL TO USA, FVEY)", "(C//REL TO USA, FVEY)"), "SECRET//REL TO USA, FVEY"),
    (("(S//REL TO USA, NATO)", "(C//REL TO USA, GBR, NATO)"), "SECRET//REL TO USA, NATO"),
    # 6. DISPLAY ONLY = intersection of (REL TO ∪ DISPLAY ONLY) minus REL TO
    (("(S//REL TO USA, GBR/DISPLAY ONLY AFG)", "(S//REL TO USA, AFG, GBR)"),
     "SECRET//REL TO USA, GBR/DISPLAY ONLY AFG"),
    # 7. RELIDO only when every portion has it; NODIS supersedes EXDIS
    (("(S//RELIDO)", "(C//RELIDO)"), "SECRET//RELIDO"),
    (("(S//RELIDO)", "(C//REL TO USA, GBR)"), "SECRET//NOFORN"),
    (("(S//NF//XD)", "(C//NF//ND)"), "SECRET//NOFORN//NODIS"),
    # foreign and mixed owners
    (("(//NS)", "(//NC)"), "//NATO SECRET"),
    (("(//DEU S)", "(C//REL TO USA, DEU)"), "SECRET//FGI DEU//NOFORN"),
]  # fmt: skip


@pytest.mark.parametrize(("portions", "expected"), RULES + ORDER)
def test_rollup_rules(portions: tuple[str, ...], expected: str) -> None:
    assert banner(*portions) == expected


@pytest.mark.parametrize(("portions", "_expected"), WORKED_EXAMPLES + RULES[:-1])
def test_rollup_dominates_its_portions(portions: tuple[str, ...], _expected: str) -> None:
    labels = [parse_label(p) for p in portions]
    top = rollup(labels)
    assert all(dominates(top, label) for label in labels)


def test_rollup_of_nothing_is_an_error() -> None:
    with pytest.raises(MarkingError) as caught:
        rollup([])
    assert caught.value.problems[0][0] == "rollup-empty"


def test_dominance_examples() -> None:
    secret_nf, conf = parse_label("SECRET//NOFORN"), parse_label("CONFIDENTIAL")
    rel = parse_label("SECRET//REL TO USA, GBR")
    assert dominates(secret_nf, conf)
    assert not dominates(conf, secret_nf)
    assert dominates(secret_nf, rel)
    assert not dominates(rel, secret_nf)
    assert dominates(
        parse_label("SECRET//REL TO USA, GBR"), parse_label("SECRET//REL TO USA, FVEY")
    )
    assert not dominates(parse_label("SECRET//SI//NOFORN"), parse_label("SECRET//TK//NOFORN"))
    assert dominates(parse_label("SECRET//SI-G//ORCON/NOFORN"), parse_label("SECRET//SI//NOFORN"))


@pytest.mark.parametrize(
    ("ceiling", "item", "covered", "dominated"),
    [
        ("SECRET", "CONFIDENTIAL//NOFORN", True, False),  # equally closed to foreigners
        ("SECRET//NOFORN", "(C)", True, True),
        ("SECRET//REL TO USA, FVEY", "SECRET//REL TO USA, AUS, CAN, GBR, NZL", True, False),
        ("SECRET//REL TO USA, JPN", "SECRET//NOFORN", False, False),  # JPN members excluded
        ("SECRET//NOFORN", "SECRET//REL TO USA, JPN", True, True),
        ("SECRET//NOFORN", "TOP SECRET//NOFORN", False, False),
        ("SECRET//NOFORN", "SECRET//TK//NOFORN", False, False),
    ],
)
def test_covers_is_the_ceiling_test(
    ceiling: str, item: str, covered: bool, dominated: bool
) -> None:
    a, b = parse_label(ceiling), parse_label(item)
    assert covers(a, b) is covered
    assert dominates(a, b) is dominated

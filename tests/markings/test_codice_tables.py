"""Table-driven: every applicable row of codice/alliance's banner-marking Spock tables.

Rows come from tests/data/markings/spock_tables.json. Portion-spec rows are checked as
portion marks (wrapped in parentheses), banner-spec and extractor rows as banners. A row
that expects an exception must be invalid; any other row must be valid and its checked
properties must match. Rows we deliberately disagree with are in DISAGREE, each with the
reason and the rule ids we report instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bcm.markings import Label, Level, MarkingCheck, check_marking

DATA = Path(__file__).parent.parent / "data" / "markings" / "spock_tables.json"

_CVE_ORDER = "dissemination controls in CVE order (ISM ValuesOrderedAccordingToCve, markings.md §4)"
_SBU = "SBU / SBU NOFORN only on UNCLASSIFIED (ISM-ID-00037)"
_ORCON_NOT_FD = "ORCON is not a foreign-disclosure marking; SCI needs NF/REL TO/RELIDO/DISPLAY ONLY (ISM-ID-00119)"  # noqa: E501
_USA_FIRST = "REL TO must start with USA (ISM-ID-00214); codice's extractor does not check it"
_EMPTY = "an empty // or / segment is a typo; we suggest the canonical form instead"

# marking as written in the table -> (reason, rule ids we report)
DISAGREE: dict[str, tuple[str, set[str]]] = {
    "TOP SECRET//TK-ABC X Y Z/COMINT//ORCON": (_ORCON_NOT_FD, {"sci-needs-disclosure"}),
    "TS//TK-ABC X Y Z/COMINT//OC": (_ORCON_NOT_FD, {"sci-needs-disclosure"}),
    "SECRET//MADE-UP-SCI//ORCON": (_ORCON_NOT_FD, {"sci-needs-disclosure"}),
    "S//MADE-UP-SCI//OC": (_ORCON_NOT_FD, {"sci-needs-disclosure"}),
    "SECRET//ORCON/PROPIN/NOFORN": (_CVE_ORDER, {"dissem-order"}),
    "S//OC/PR/NF": (_CVE_ORDER, {"dissem-order"}),
    "SECRET//DEA SENSITIVE//LIMDIS/": (_EMPTY, {"empty-segment"}),
    "S//DSEN//DS/": (_EMPTY, {"empty-segment"}),
    "TS////NF": (_EMPTY, {"empty-segment"}),
    "SECRET//DEA SENSITIVE/NOFORN//SBU NOFORN": (
        f"{_CVE_ORDER}; {_SBU}",
        {"dissem-order", "sbu-only-unclassified"},
    ),
    "S//DSEN/NF//SBU-NF": (f"{_CVE_ORDER}; {_SBU}", {"dissem-order", "sbu-only-unclassified"}),
    "SECRET//LIMITED DISTRIBUTION/ACCM-FOOBAR/BAZ/SBU NOFORN": (_SBU, {"sbu-only-unclassified"}),
    "SECRET//ACCM-FOOBAR/BAZ/LIMITED DISTRIBUTION/SBU NOFORN": (_SBU, {"sbu-only-unclassified"}),
    "SECRET//ACCM-BAZ/FOOBAR/LIMITED DISTRIBUTION/SBU NOFORN": (_SBU, {"sbu-only-unclassified"}),
    "S//DS/ACCM-FOOBAR/BAZ/SBU-NF": (_SBU, {"sbu-only-unclassified"}),
    "S//ACCM-FOOBAR/BAZ/DS/SBU-NF": (_SBU, {"sbu-only-unclassified"}),
    "TOP SECRET//ABC/COMINT/SI-GAMMA-XXX/FOO-O XYZ//SAR-BP/GB/TC//RD-SIGMA 2 5 6//FGI CAN NZL//IMCON/PROPIN/REL TO USA, CAN, NZL/DISPLAY ONLY AFG/DEA SENSITIVE//LIMITED DISTRIBUTION/ACCM-LEMONADE/PARTY FAVORS/SBU NOFORN": (  # noqa: E501
        f"DEA SENSITIVE precedes DISPLAY ONLY: {_CVE_ORDER}; {_SBU}",
        {"dissem-order", "sbu-only-unclassified"},
    ),
    "TS//ABC/COMINT/SI-G-XXX/FOO-O XYZ//SAR-BP/GB/TC//RD-SG 2 5 6//FGI CAN NZL//IMC/PR/REL TO USA, CAN, NZL/DISPLAY ONLY AFG/DSEN//DS/ACCM-LEMONADE/PARTY FAVORS/SBU-NF": (  # noqa: E501
        f"{_CVE_ORDER}; {_SBU}; SI-G requires ORCON (ISM-ID-00045)",
        {"dissem-order", "sbu-only-unclassified", "si-g-needs-orcon"},
    ),
    "TS//SI/TK//RS//IMC/NF": (
        "dissemination controls split over two // segments; we suggest TS//SI/TK//RS/IMC/NF",
        {"category-repeated"},
    ),
    "SECRET//IMCON/FISA": (
        "codice demands an IMCON notice (its 1.c); notices are document parts, not in the marking",
        set(),
    ),
    "S//IMC/FISA": (
        "codice demands an IMCON notice (its 1.c); notices are document parts, not in the marking",
        set(),
    ),
    "SECRET//TK//REL TO CAN, DEU, NZL": (_USA_FIRST, {"rel-to-usa-first"}),
    "SECRET//SI-GAMMA-X//REL TO CAN": (_USA_FIRST, {"rel-to-usa-first"}),
    "SECRET//SI-GAMMA-X ABC DEF//REL TO CAN": (_USA_FIRST, {"rel-to-usa-first"}),
    "SECRET//TK/NOFORN": (
        "SCI and dissemination controls are separated by // (markings.md §2)",
        {"separator"},
    ),
    "TOP SECRET//DOD UNCLASSIFIED CONTROLLED NUCLEAR INFORMATION": (
        "UCNI must be UNCLASSIFIED: codice's own validator paragraph 8.f.3",
        {"ucni-unclassified"},
    ),
}

_LEVELS = {"UNCLASSIFIED": Level.U, "RESTRICTED": Level.R, "CONFIDENTIAL": Level.C,
           "SECRET": Level.S, "TOP_SECRET": Level.TS}  # fmt: skip
_ENUMS = {"DEA_SENSITIVE": "DEA SENSITIVE", "SBU_NOFORN": "SBU NOFORN"}


def _rows() -> list[Any]:
    tables = json.loads(DATA.read_text(encoding="utf-8"))
    params = []
    for spec, tests in tables.items():
        if spec.startswith("_"):
            continue
        for test in tests:
            portion = (test.get("api") or "").startswith("PortionMarkings")
            for row in test.get("rows") or []:
                if "markings" not in row:
                    continue  # list-deduper and translator tables test codice internals
                text = f"({row['markings']})" if portion else row["markings"]
                invalid = row.get("validationError", test["expects_exception"])
                ident = f"{spec}:{test['test']}:{row['markings']}"
                params.append(pytest.param(text, invalid, row, id=ident))
    return params


ROWS = _rows()


def test_every_table_was_read() -> None:
    assert len(ROWS) > 250


@pytest.mark.parametrize(("text", "invalid", "row"), ROWS)
def test_codice_row(text: str, invalid: bool, row: dict[str, Any]) -> None:
    result = check_marking(text)
    disagreement = DISAGREE.get(row["markings"])
    if disagreement is not None:
        _reason, our_rules = disagreement
        assert result.valid is (not our_rules), result.problems
        assert {p.rule for p in result.problems} == our_rules
        return
    if invalid:
        assert not result.valid, f"{text} should be invalid"
        assert result.problems
        assert result.canonical is None
        return
    assert result.valid, [p.rule for p in result.problems]
    assert result.label is not None
    _check_properties(result, result.label, row)


def _check_properties(result: MarkingCheck, label: Label, row: dict[str, Any]) -> None:
    for column, expected in row.items():
        check = _PROPERTY_CHECKS.get(column)
        if check is not None:
            check(label, _value(expected))
    # The canonical form is itself valid and means the same label.
    again = check_marking(result.canonical or "")
    assert again.valid
    assert again.label == label


def _value(expected: Any) -> Any:
    if isinstance(expected, dict) and "groovy" in expected:
        return expected["groovy"]
    if isinstance(expected, list):
        return [_value(item) for item in expected]
    return expected


def _classification(label: Label, expected: str) -> None:
    assert label.level == _LEVELS[expected]


def _type(label: Label, expected: str) -> None:
    kinds = {"US": label.owner == "USA", "JOINT": label.owner == "JOINT"}
    if expected in kinds:
        assert kinds[expected]
    elif expected == "FGI":  # codice calls a foreign-owned class part "FGI"
        assert label.owner not in ("USA", "JOINT")
    else:  # the AEA table reuses the column name for the AEA type
        assert _aea_kind(label) == expected


def _aea_kind(label: Label) -> str:
    kinds = {"RD": "RD", "FRD": "FRD", "DOD UCNI": "DOD_UCNI", "DOE UCNI": "DOE_UCNI"}
    return kinds[label.aea[0].kind]


def _sci(label: Label, expected: str) -> None:
    # "[[control: 'TK', compartments: ['ABC': ['X', 'Y']]], ...]"; COMINT is SI's old name.
    want: dict[str, dict[str, set[str]]] = {}
    for name, body in re.findall(r"control: '([^']+)', compartments: \[(.*?)\]\]", expected):
        comps = {c: set(re.findall(r"'([^']+)'", subs))
                 for c, subs in re.findall(r"'([^']+)': \[([^\]]*)\]", body + "]")}  # fmt: skip
        system = "SI" if name == "COMINT" else name
        want.setdefault(system, {}).update(comps)
    got = {c.system: {comp.name: set(comp.subs) for comp in c.compartments} for c in label.sci}
    assert got == want


def _programs(label: Label, expected: list[str]) -> None:
    if expected:
        assert set(label.sap) == set(expected)


def _multiple(label: Label, expected: bool) -> None:
    assert label.sap_multiple is expected


def _dissem(label: Label, expected: list[str]) -> None:
    assert set(label.dissem) == {_ENUMS.get(v, v) for v in expected}


def _other_dissem(label: Label, expected: list[str]) -> None:
    assert set(label.non_ic) == {_ENUMS.get(v, v) for v in expected}


def _countries(label: Label, expected: list[str]) -> None:
    assert set(label.fgi) == set(expected)


_PROPERTY_CHECKS: dict[str, Any] = {
    "classification": _classification,
    "type": _type,
    "fgiAuthority": lambda label, want: (label.owner == want) or pytest.fail(label.owner),
    "jointAuthorities": lambda label, want: _expect(set(label.joint) == set(want)),
    "sciControl": _sci,
    "programs": _programs,
    "multiple": _multiple,
    "hvsaco": lambda label, want: _expect(label.hvsaco is want),
    "cnwdi": lambda label, want: _expect(label.aea[0].cnwdi is want),
    "sigmas": lambda label, want: _expect(list(label.aea[0].sigmas) == sorted(want)),
    "dod": lambda label, want: _expect(any(a.kind == "DOD UCNI" for a in label.aea) is want),
    "doe": lambda label, want: _expect(any(a.kind == "DOE UCNI" for a in label.aea) is want),
    "dodUcni": lambda label, want: _expect(any(a.kind == "DOD UCNI" for a in label.aea) is want),
    "doeUcni": lambda label, want: _expect(any(a.kind == "DOE UCNI" for a in label.aea) is want),
    "countryCodes": _countries,
    "hasConcealedFgi": lambda label, want: _expect(label.fgi_concealed is want),
    "dissem": _dissem,
    "otherDissem": _other_dissem,
    "accm": lambda label, want: _expect(set(label.accm) == set(want)),
    "relTo": lambda label, want: _expect(set(label.rel_to) == set(want)),
    "displayTo": lambda label, want: _expect(set(label.display_only) == set(want)),
}


def _expect(condition: bool) -> None:
    assert condition


def test_row_less_tests() -> None:
    """The Spock features without tables: U//FOUO, SAP WAIVED, the complex marking."""
    for text in ("U//FOUO", "(U//FOUO)"):
        label = check_marking(text).label
        assert label is not None
        assert label.level == Level.U
        assert "FOUO" in label.dissem
    for text in ("TOP SECRET//SAR-BP//WAIVED", "(TS//SAR-BP//WAIVED)"):
        label = check_marking(text).label
        assert label is not None
        assert label.sap == ("BP",)
        assert label.dissem == ("WAIVED",)


def test_complex_marking_canonical_form_parses_fully() -> None:
    """The complex row, reordered into CVE order with SBU NOFORN removed, is valid and every
    part codice checks is present."""
    text = (
        "TOP SECRET//ABC/COMINT/SI-GAMMA-XXX/FOO-O XYZ//SAR-BP/GB/TC//RD-SIGMA 2 5 6//"
        "FGI CAN NZL//IMCON/PROPIN/REL TO USA, CAN, NZL/DEA SENSITIVE/DISPLAY ONLY AFG//"
        "LIMITED DISTRIBUTION/ACCM-LEMONADE/PARTY FAVORS"
    )
    result = check_marking(text)
    assert result.valid, result.problems
    label = result.label
    assert label is not None
    # codice counts four SCI controls; COMINT is SI's former name, so it merges with SI-GAMMA.
    assert {c.system for c in label.sci} == {"ABC", "SI", "FOO"}
    assert label.sap == ("BP", "GB", "TC")
    assert label.aea[0].kind == "RD"
    assert label.aea[0].sigmas == (2, 5, 6)
    assert label.fgi == ("CAN", "NZL")
    assert label.display_only == ("AFG",)
    assert set(label.dissem) == {"IMCON", "PROPIN", "DEA SENSITIVE"}
    assert label.accm == ("LEMONADE", "PARTY FAVORS")
    assert label.non_ic == ("LIMDIS",)

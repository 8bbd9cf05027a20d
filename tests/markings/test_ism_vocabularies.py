"""Every value of the ISM V10 controlled vocabularies parses and renders where applicable.

Vocabularies: tests/data/markings/cve_enumerations.json (CVE order is normative). Each CVE
value is placed in the smallest portion mark where it is valid (its level and companion
rules), parsed, checked on the Label, and rendered back to the same canonical text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bcm.markings import Label, check_marking, render_portion
from bcm.markings.vocab import country_key

CVE = json.loads(
    (Path(__file__).parent.parent / "data" / "markings" / "cve_enumerations.json").read_text()
)


def values(name: str) -> list[str]:
    return [entry["value"] for entry in CVE[name]]


def _valid(text: str) -> Label:
    result = check_marking(text)
    assert result.valid, (text, result.problems)
    assert result.label is not None
    # Canonical text round-trips to the same label and the same text.
    assert check_marking(result.canonical or "").label == result.label
    assert render_portion(result.label) == result.canonical
    return result.label


@pytest.mark.parametrize("token", values("CVEnumISMClassificationAll"))
def test_classification(token: str) -> None:
    text = f"(//DEU {token})" if token == "R" else f"({token})"  # R is never a U.S. level
    assert _valid(text).level.name == token


# token -> a portion where it is valid (levels per ISM-ID-00028/00030/00107/00164).
DISSEM_PORTIONS = {
    "RS": "(S//RS/NF)", "FOUO": "(U//FOUO)", "OC": "(C//OC/NF)", "IMC": "(S//IMC/NF)",
    "NF": "(S//NF)", "PR": "(C//PR)", "REL": "(S//REL TO USA, GBR)", "RELIDO": "(S//RELIDO)",
    "DSEN": "(S//DSEN)", "FISA": "(S//FISA)", "DISPLAYONLY": "(S//DISPLAY ONLY AFG)",
}  # fmt: skip


@pytest.mark.parametrize("token", values("CVEnumISMDissem"))
def test_dissemination_control(token: str) -> None:
    if token == "EYES":
        # Deprecated 2014-09-11 (CVE); `USA/GBR EYES ONLY` is written REL TO USA, GBR today.
        assert not check_marking("(S//USA/GBR EYES ONLY)").valid
        return
    label = _valid(DISSEM_PORTIONS[token])
    assert label.dissem or label.rel_to or label.display_only


NON_IC_PORTIONS = {
    "DS": "(S//DS)", "XD": "(S//NF//XD)", "ND": "(S//NF//ND)", "SBU": "(U//SBU)",
    "SBU-NF": "(U//SBU-NF)", "LES": "(U//LES)", "LES-NF": "(U//LES-NF)", "SSI": "(U//SSI)",
    "NNPI": "(S//NNPI)",
}  # fmt: skip


@pytest.mark.parametrize("token", values("CVEnumISMNonIC"))
def test_non_ic_control(token: str) -> None:
    if token.startswith("ACCM-"):
        label = _valid("(S//ACCM-FICTITIOUS_EFFORT)")
        assert label.accm == ("FICTITIOUS_EFFORT",)
        return
    assert _valid(NON_IC_PORTIONS[token]).non_ic


def _sample(pattern: str) -> str:
    """One concrete token for a CVE regex value (`SI-G-[A-Z]{4}` -> `SI-G-ABCD`)."""
    token = re.sub(r"\[A-Z\]\{(\d)\}", lambda m: "ABCD"[: int(m.group(1))], pattern)
    token = re.sub(r"\[A-Z0-9\]\{3\}", "X12", token)
    return re.sub(r"\[A-Z0-9\]\{1,6\}", "X1", token)


@pytest.mark.parametrize("pattern", values("CVEnumISMSCIControls"))
def test_sci_control(pattern: str) -> None:
    token = _sample(pattern)
    system, *parts = token.split("-")
    # ISM writes sub-compartments with a dash (SI-G-ABCD); banners with a space (SI-G ABCD).
    banner_form = system + (f"-{parts[0]}" if parts else "") + "".join(f" {p}" for p in parts[1:])
    label = _valid(f"(TS//{banner_form}//OC/NF)")
    (control,) = label.sci
    assert control.system == system
    if parts:
        assert control.compartments[0].name == parts[0]
        assert list(control.compartments[0].subs) == parts[1:]


AEA_PORTIONS = {
    "RD": "(S//RD)", "RD-CNWDI": "(S//RD-N)", "FRD": "(S//FRD)", "DCNI": "(U//DCNI)",
    "UCNI": "(U//UCNI)", "TFNI": "(S//TFNI)",
}  # fmt: skip


@pytest.mark.parametrize("pattern", values("CVEnumISMAtomicEnergyMarkings"))
def test_atomic_energy(pattern: str) -> None:
    if "-SG-" in pattern:
        for sigma in ("14", "15", "18", "20"):
            kind = pattern.split("-")[0]
            label = _valid(f"(S//{kind}-SG {sigma})")
            assert label.aea[0].sigmas == (int(sigma),)
        return
    assert _valid(AEA_PORTIONS[pattern]).aea


@pytest.mark.parametrize("code", values("CVEnumISMRelTo")[1:])
def test_rel_to_code(code: str) -> None:
    label = _valid(f"(S//REL TO USA, {code})")
    assert code in label.rel_to or label.rel_to == ("USA", code)


def test_rel_to_cve_order_is_our_canonical_order() -> None:
    """ISM-ID-00041: REL TO is ordered as CVEnumISMRelTo; our sort key agrees on every code."""
    codes = values("CVEnumISMRelTo")
    assert sorted(codes, key=country_key) == codes


@pytest.mark.parametrize("code", values("CVEnumISMFGIOpen"))
def test_fgi_source(code: str) -> None:
    if code == "AX1":  # "Unknown" source: written as bare FGI (ISM XSL collapses it)
        assert _valid("(S//FGI//NF)").fgi_concealed
        return
    assert _valid(f"(S//FGI {code}//NF)").fgi == (code,)


@pytest.mark.parametrize("code", [v for v in values("CVEnumISMOwnerProducer") if v != "USA"])
def test_owner_producer(code: str) -> None:
    if code == "FGI":  # a concealed foreign owner is written as FGI inside a U.S. portion
        assert _valid("(S//FGI//NF)").fgi_concealed
        return
    label = _valid(f"(//{code} S)")
    assert label.owner == code
    assert label.level.name == "S"


@pytest.mark.parametrize("control", values("CVEnumISMNonUSControls"))
def test_non_us_control(control: str) -> None:
    label = _valid(f"(//CTS//{control})")
    assert label.owner == "NATO"
    assert label.non_us == (control,)


@pytest.mark.parametrize("program", ["BP", "BUTTERED_POPCORN", "AB-C1", "AB-C1-D2"])
def test_sap_identifiers(program: str) -> None:
    """CVEnumISMSAR patterns: [A-Z]{2,}, [A-Z]{2,}-[A-Z][A-Z0-9]+, ...-[A-Z0-9]{2,}."""
    assert _valid(f"(TS//SAR-{program})").sap == (program,)

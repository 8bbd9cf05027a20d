"""Marking vocabularies: tokens, their banner and portion forms, and their canonical order.

The orders are those of the ISM V10 CVE files (markings.md §2, §4): banner and portion
rendering list values in CVE order, and validation reports values out of that order.
Country codes and tetragraph membership are data files in ``data/`` (policy data changes).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

# Dissemination controls (CVEnumISMDissem order; REL TO and DISPLAY ONLY are lists kept in
# their own Label fields but keep their CVE position when rendered). WAIVED is a SAP caveat
# that codice and CAPCO write in the dissemination position (`TS//SAR-BP//WAIVED`).
DISSEM_ORDER: tuple[str, ...] = (
    "WAIVED", "RSEN", "FOUO", "ORCON", "IMCON", "NOFORN", "PROPIN", "REL TO", "RELIDO",
    "DEA SENSITIVE", "FISA", "DISPLAY ONLY",
)  # fmt: skip
DISSEM_PORTION: dict[str, str] = {
    "WAIVED": "WAIVED", "RSEN": "RS", "FOUO": "FOUO", "ORCON": "OC", "IMCON": "IMC",
    "NOFORN": "NF", "PROPIN": "PR", "REL TO": "REL TO", "RELIDO": "RELIDO",
    "DEA SENSITIVE": "DSEN", "FISA": "FISA", "DISPLAY ONLY": "DISPLAY ONLY",
}  # fmt: skip
DISSEM_ALIASES: dict[str, str] = {
    **{word: word for word in DISSEM_ORDER},
    **{abbr: word for word, abbr in DISSEM_PORTION.items()},
    "RISK SENSITIVE": "RSEN", "FOR OFFICIAL USE ONLY": "FOUO", "OC-USGOV": "ORCON",
    "ORIGINATOR CONTROLLED": "ORCON", "NOT RELEASABLE TO FOREIGN NATIONALS": "NOFORN",
    "NO FOREIGN": "NOFORN", "CAUTION-PROPRIETARY INFORMATION INVOLVED": "PROPIN",
}  # fmt: skip

# Non-IC controls (CVEnumISMNonIC order; ACCM names live in Label.accm, rendered at the
# ACCM position). Banner word -> portion form.
NON_IC_ORDER: tuple[str, ...] = (
    "LIMDIS", "EXDIS", "NODIS", "SBU", "SBU NOFORN", "LES", "LES NOFORN", "SSI", "ACCM", "NNPI",
)  # fmt: skip
NON_IC_PORTION: dict[str, str] = {
    "LIMDIS": "DS", "EXDIS": "XD", "NODIS": "ND", "SBU": "SBU", "SBU NOFORN": "SBU-NF",
    "LES": "LES", "LES NOFORN": "LES-NF", "SSI": "SSI", "NNPI": "NNPI",
}  # fmt: skip
NON_IC_ALIASES: dict[str, str] = {
    **{word: word for word in NON_IC_PORTION},
    **{abbr: word for word, abbr in NON_IC_PORTION.items()},
    "LIMITED DISTRIBUTION": "LIMDIS", "EXCLUSIVE DISTRIBUTION": "EXDIS",
    "NO DISTRIBUTION": "NODIS", "SENSITIVE BUT UNCLASSIFIED": "SBU",
    "LAW ENFORCEMENT SENSITIVE": "LES", "SBU-NOFORN": "SBU NOFORN", "LES-NOFORN": "LES NOFORN",
}  # fmt: skip

# NATO / non-US controls (CVEnumISMNonUSControls).
NON_US_ORDER: tuple[str, ...] = ("ATOMAL", "BOHEMIA", "BALK")

# Published SCI control systems in CVE order (markings.md §5); unknown systems sort after them.
SCI_ORDER: tuple[str, ...] = ("EL", "HCS", "KDK", "RSV", "SI", "TK")
SCI_ALIASES: dict[str, str] = {
    "ENDSEAL": "EL",
    "KLONDIKE": "KDK",
    "RESERVE": "RSV",
    "COMINT": "SI",
    "TALENT KEYHOLE": "TK",
}

# Atomic-energy markings: banner word -> portion form (markings.md §2).
AEA_KINDS: tuple[str, ...] = ("RD", "FRD", "DOD UCNI", "DOE UCNI", "TFNI")
AEA_PORTION: dict[str, str] = {
    "RD": "RD", "FRD": "FRD", "DOD UCNI": "DCNI", "DOE UCNI": "UCNI", "TFNI": "TFNI",
}  # fmt: skip
AEA_ALIASES: dict[str, str] = {
    **{kind: kind for kind in AEA_KINDS},
    "RESTRICTED DATA": "RD", "FORMERLY RESTRICTED DATA": "FRD", "DCNI": "DOD UCNI",
    "UCNI": "DOE UCNI", "DOD UNCLASSIFIED CONTROLLED NUCLEAR INFORMATION": "DOD UCNI",
    "DOE UNCLASSIFIED CONTROLLED NUCLEAR INFORMATION": "DOE UCNI",
    "TRANSCLASSIFIED FOREIGN NUCLEAR INFORMATION": "TFNI",
}  # fmt: skip


@cache
def _load(name: str) -> Any:
    text = resources.files("bcm.markings").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def trigraphs() -> frozenset[str]:
    """ISO 3166 trigraphs accepted in country lists (CVEnumISMRelTo), USA included."""
    return frozenset(_load("codes.json")["trigraphs"]) | {"USA"}


@cache
def tetragraphs() -> frozenset[str]:
    """Group codes accepted in country lists (CVEnumISMRelTo tetragraphs plus groups.json)."""
    return frozenset(_load("codes.json")["tetragraphs"]) | frozenset(_load("groups.json")["groups"])


@cache
def expanded_groups() -> dict[str, frozenset[str]]:
    """Tetragraphs decomposed into members for REL TO (FVEY, ACGU, TEYE; markings.md §6.5)."""
    groups = _load("groups.json")["groups"]
    return {code: frozenset(g["members"]) for code, g in groups.items() if g["expand"]}


@cache
def group_members(code: str) -> frozenset[str]:
    """Member trigraphs of any tetragraph listed in groups.json (empty when unknown)."""
    group = _load("groups.json")["groups"].get(code)
    return frozenset(group["members"]) if group else frozenset()


@cache
def country_names() -> dict[str, str]:
    """Legacy country names and adjectives -> trigraph (`C/REL GERMANY`, `S/REL UK`)."""
    data = _load("countries.json")
    return {**data["names"], **data["adjectives"]}


def country_key(code: str) -> tuple[int, str]:
    """Sort key of country lists: USA first, then trigraphs, then tetragraphs (ISM-ID-00041)."""
    if code == "USA":
        return (0, code)
    return (1 if len(code) == 3 else 2, code)


def is_country_code(code: str) -> bool:
    """A known trigraph or tetragraph."""
    return code in trigraphs() or code in tetragraphs()


def equivalence_table(nation: str) -> dict[str, Any] | None:
    """The national equivalence table of ``nation`` (``data/equivalence/JPN.json``), if any."""
    try:
        table: dict[str, Any] = _load(f"equivalence/{nation}.json")
    except FileNotFoundError:
        return None
    return table

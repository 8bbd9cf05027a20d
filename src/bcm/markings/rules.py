"""Validation rules on a parsed Label (markings.md §1–5).

Each rule has a short stable identifier; the comment names its source: an ISM V10 rule
(ISM-ID-nnnnn), a codice/alliance BannerValidator paragraph (codice n.n), or markings.md.
Legacy tolerance: a classified label without any foreign-disclosure marking (`(C)`) is valid;
ICD 710's requirement (ISM-ID-00119) is enforced only where codice enforces it, for SCI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from bcm.markings.levels import Level
from bcm.markings.model import Label, Problem

Rule = Callable[[Label], Iterator[Problem]]


def validate(label: Label) -> list[Problem]:
    """Every rule finding for ``label``, in a stable order."""
    return [problem for rule in RULES for problem in rule(label)]


def _class_rules(label: Label) -> Iterator[Problem]:
    if label.level == Level.R and label.owner == "USA":  # markings.md §1: R is not a U.S. level
        yield Problem("restricted-not-us", "RESTRICTED is not a U.S. classification level")
    if label.owner == "JOINT" and label.level == Level.R and "USA" in label.joint:  # codice 5.d
        yield Problem("joint-restricted", "RESTRICTED is not valid for JOINT documents with USA")
    if label.owner == "JOINT" and len(label.joint) < 2:
        yield Problem("joint-owners", "JOINT needs at least two co-owners")


def _nato_rules(label: Label) -> Iterator[Problem]:
    if label.non_us and label.owner != "NATO":  # codice 4.b
        yield Problem(
            "non-us-control-nato-only", "ATOMAL, BOHEMIA and BALK are only valid on NATO markings"
        )
    if (
        label.owner == "NATO"
        and label.level != Level.TS
        and {"BOHEMIA", "BALK"} & set(label.non_us)
    ):  # codice 4.b.2.c
        yield Problem("bohemia-balk-cosmic", "BOHEMIA and BALK are only valid on COSMIC TOP SECRET")
    if label.owner == "NATO" and label.noforn:  # codice 4.b.3
        yield Problem("noforn-on-nato", "NOFORN cannot be used on NATO material")


def _noforn_rules(label: Label) -> Iterator[Problem]:
    noforn = "NOFORN" in label.dissem
    if noforn and label.rel_to:  # ISM-ID-00169; codice 2.d, 10.e.7
        yield Problem("noforn-with-rel-to", "NOFORN cannot be combined with REL TO")
    if noforn and "RELIDO" in label.dissem:  # ISM-ID-00169; codice 2.d
        yield Problem("noforn-with-relido", "NOFORN cannot be combined with RELIDO")
    if label.display_only and (noforn or "RELIDO" in label.dissem):  # ISM-ID-00169; codice 10.g.4
        yield Problem(
            "display-only-exclusive", "DISPLAY ONLY cannot be combined with NOFORN or RELIDO"
        )
    if noforn and label.level == Level.R:  # codice 2.c
        yield Problem("noforn-level", "NOFORN is not valid on RESTRICTED material")


def _rel_rules(label: Label) -> Iterator[Problem]:
    if label.rel_to == ("USA",):  # ISM-ID-00319; codice 10.e.5
        yield Problem("rel-to-usa-only", "REL TO must list at least one country besides USA")
    restricted = label.level == Level.R
    if restricted and label.rel_to:  # codice 10.e.3
        yield Problem("rel-to-level", "REL TO is not valid on RESTRICTED material")
    if restricted and "RELIDO" in label.dissem:  # codice 4.c
        yield Problem("relido-level", "RELIDO is not valid on RESTRICTED material")
    if restricted and label.display_only:  # codice 10.g.3
        yield Problem("display-only-level", "DISPLAY ONLY is not valid on RESTRICTED material")
    if "USA" in label.display_only:  # ISM-ID-00167: DISPLAY ONLY names foreign nations
        yield Problem("display-only-usa", "DISPLAY ONLY lists foreign nations, not USA")


def _level_rules(label: Label) -> Iterator[Problem]:
    level, dissem = label.level, label.dissem
    if "FOUO" in dissem and level != Level.U:  # ISM-ID-00030; codice 10.b.1
        yield Problem("fouo-only-unclassified", "FOUO is only valid on UNCLASSIFIED")
    if {"SBU", "SBU NOFORN"} & set(label.non_ic) and level != Level.U:  # ISM-ID-00037
        yield Problem("sbu-only-unclassified", "SBU is only valid on UNCLASSIFIED")
    if "ORCON" in dissem and level < Level.C:  # ISM-ID-00028; codice 10.d.3
        yield Problem("orcon-level", "ORCON is only valid on CONFIDENTIAL, SECRET or TOP SECRET")
    if "IMCON" in dissem and level < Level.S:  # ISM-ID-00107; codice 1.b
        yield Problem("imcon-level", "IMCON is only valid on SECRET or TOP SECRET")
    if "RSEN" in dissem and level < Level.S:  # ISM-ID-00164
        yield Problem("rsen-level", "RSEN is only valid on SECRET or TOP SECRET")
    if "PROPIN" in dissem and level == Level.R:  # codice 3.b
        yield Problem("propin-restricted", "PROPIN is not valid on RESTRICTED material")


def _sci_rules(label: Label) -> Iterator[Problem]:
    systems = {control.system for control in label.sci}
    if {"HCS", "KDK"} & systems and "NOFORN" not in label.dissem:  # ISM-ID-00049/00123; codice 6.f
        yield Problem("hcs-kdk-need-noforn", "HCS and KLONDIKE require NOFORN")
    if (
        any(
            c.system == "SI" and any(comp.name == "G" for comp in c.compartments) for c in label.sci
        )
        and "ORCON" not in label.dissem
    ):  # ISM-ID-00045
        yield Problem("si-g-needs-orcon", "SI-G (GAMMA) requires ORCON")
    if label.sci and not label.has_disclosure_marking:  # codice 6.c; ISM-ID-00119
        yield Problem(
            "sci-needs-disclosure",
            "SCI requires an explicit foreign-disclosure marking (NOFORN, REL TO, RELIDO, "
            "DISPLAY ONLY)",
        )


def _sap_rules(label: Label) -> Iterator[Problem]:
    if len(label.sap) > 4:  # codice 7.e: more than four programs -> SAR-MULTIPLE PROGRAMS
        yield Problem("sap-too-many", "more than four SAPs: write SAR-MULTIPLE PROGRAMS instead")
    if "WAIVED" in label.dissem and not label.sap:  # codice 7.f
        yield Problem("waived-needs-sap", "WAIVED is only valid with a SAP")


def _aea_rules(label: Label) -> Iterator[Problem]:
    for aea in label.aea:
        if aea.kind in ("RD", "FRD") and label.level < Level.C:  # codice 8.a.4, 8.b.2
            yield Problem("aea-level", f"{aea.kind} must be marked at least CONFIDENTIAL")
        if aea.cnwdi and aea.kind != "RD":  # codice 8.c.3
            yield Problem("cnwdi-rd-only", "CNWDI (-N) is a subset of RD only")
        if any(not 1 <= n <= 99 for n in aea.sigmas):  # codice 8.d.3
            yield Problem("sigma-range", "SIGMA values are 1 to 99")
        if aea.kind in ("DOD UCNI", "DOE UCNI") and label.level != Level.U:  # codice 8.f.3
            yield Problem("ucni-unclassified", "UCNI must be marked UNCLASSIFIED")


def _fgi_rules(label: Label) -> Iterator[Problem]:
    has_fgi = label.fgi or label.fgi_concealed
    if has_fgi and label.owner != "USA":  # codice 9.a
        yield Problem("fgi-in-foreign", "FGI markings are only valid in U.S. products")
    if "USA" in label.fgi:  # codice: "USA invalid as FGI source country"
        yield Problem("fgi-usa", "USA is not a valid FGI source")
    if has_fgi and label.level < Level.C:  # codice 9.b
        yield Problem("fgi-level", "FGI must be classified at least CONFIDENTIAL")


def _non_ic_rules(label: Label) -> Iterator[Problem]:
    non_ic = set(label.non_ic)
    if {"EXDIS", "NODIS"} <= non_ic:  # codice 1.d
        yield Problem("exdis-with-nodis", "EXDIS and NODIS cannot be combined")
    releasable = label.rel_to or label.display_only or "RELIDO" in label.dissem
    if {"EXDIS", "NODIS"} & non_ic and releasable:  # ISM-ID-00313/00314; codice 1.c, 2.d
        yield Problem(
            "exdis-nodis-releasable",
            "EXDIS and NODIS material cannot be released to foreign governments",
        )


RULES: tuple[Rule, ...] = (
    _class_rules,
    _nato_rules,
    _noforn_rules,
    _rel_rules,
    _level_rules,
    _sci_rules,
    _sap_rules,
    _aea_rules,
    _fgi_rules,
    _non_ic_rules,
)

"""Roll-up (the banner of a set of portions, markings.md §6) and dominance.

Roll-up rules, numbered as in markings.md §6:
 1. level = the highest portion level (a U.S. banner over foreign RESTRICTED is CONFIDENTIAL);
 2. SCI, SAP, AEA, FGI = unions (more than four SAPs -> SAR-MULTIPLE PROGRAMS; a concealed
    FGI source -> bare FGI; RD supersedes FRD);
 3. RSEN, ORCON, IMCON, PROPIN, DEA SENSITIVE, FISA = unions; FOUO and UCNI only in an unclassified
    banner without SBU/LES (ISM-ID-00066); SBU NOFORN / LES NOFORN in a classified banner
    give NOFORN (ISM-ID-00087/00146) and SBU itself is dropped (ISM-ID-00037);
 4. NOFORN unless every classified portion (and every unclassified one with a disclosure
    marking) carries REL TO — `(C)` with no marking makes the banner NOFORN (ISM-ID-00088);
 5. REL TO = intersection after expanding FVEY/ACGU/TEYE; only USA left -> NOFORN (00318);
 6. DISPLAY ONLY = intersection of (REL TO ∪ DISPLAY ONLY) minus the banner's REL TO (00320);
 7. RELIDO only when every such portion has it (00132); non-IC unions, NODIS over EXDIS.
"""

from __future__ import annotations

from collections.abc import Iterable

from bcm.errors import MarkingError
from bcm.markings.build import canonical_sap, in_order, merge_aea, merge_sci
from bcm.markings.countries import canonical_countries
from bcm.markings.disclosure import at_most, disclosure, expand
from bcm.markings.levels import Level
from bcm.markings.model import Aea, Label
from bcm.markings.requirements import UCNI, label_requirements
from bcm.markings.vocab import DISSEM_ORDER, NON_IC_ORDER, NON_US_ORDER, expanded_groups

_UNION_DISSEM = frozenset({"WAIVED", "RSEN", "ORCON", "IMCON", "PROPIN", "DEA SENSITIVE", "FISA"})
_UNCLASSIFIED_ONLY = frozenset({"SBU", "SBU NOFORN"})
# A superseding control makes the superseded one redundant in the same banner.
_SUPERSEDES = {"NODIS": "EXDIS", "SBU NOFORN": "SBU", "LES NOFORN": "LES"}


def rollup(labels: Iterable[Label]) -> Label:
    """The banner label of a set of portion labels (markings.md §6)."""
    portions = list(labels)
    if not portions:
        raise MarkingError("", [("rollup-empty", "there are no portions to roll up")])
    owner, joint, foreign = _owner(portions)
    level = max(p.level for p in portions)
    if level == Level.R and owner == "USA":
        level = Level.C  # foreign RESTRICTED inside a U.S. product is protected as C [DERIVED]
    classified = level > Level.U
    if not classified:
        foreign = set()  # FGI is only marked on classified material (codice 9.b)
    non_ic = _non_ic(portions, classified)
    rel_to, display_only, disclosure_dissem = _disclosure(
        portions, classified, noforn_allowed=owner != "NATO" and level != Level.R
    )
    return Label(
        level=level,
        owner=owner,
        joint=joint,
        non_us=in_order({v for p in portions for v in p.non_us}, NON_US_ORDER)
        if owner == "NATO"
        else (),
        sci=merge_sci(c for p in portions for c in p.sci),
        sap=_sap(portions),
        hvsaco=any(p.hvsaco for p in portions),
        aea=_aea(portions, classified),
        fgi=() if _concealed(portions) else canonical_countries(_fgi(portions, foreign)),
        fgi_concealed=_concealed(portions),
        dissem=in_order(_dissem(portions, classified, non_ic) + disclosure_dissem, DISSEM_ORDER),
        rel_to=rel_to,
        display_only=display_only,
        non_ic=non_ic,
        accm=tuple(sorted({name for p in portions for name in p.accm})),
    )


def _owner(portions: list[Label]) -> tuple[str, tuple[str, ...], set[str]]:
    """One owner for all portions keeps it; otherwise the banner is U.S. and the foreign
    owners become FGI sources (ISM: foreign portions in a U.S. product)."""
    owners = {(p.owner, p.joint) for p in portions}
    if len(owners) == 1:
        owner, joint = owners.pop()
        return owner, joint, set()
    foreign = {o for p in portions for o in p.owners if o != "USA"}
    return "USA", (), foreign


def _sap(portions: list[Label]) -> tuple[str, ...]:
    programs = canonical_sap(s for p in portions for s in p.sap)
    return ("MULTIPLE PROGRAMS",) if len(programs) > 4 else programs  # codice 7.e


def _aea(portions: list[Label], classified: bool) -> tuple[Aea, ...]:
    dropped = UCNI if classified else frozenset()  # UCNI only on unclassified (codice 8.f.3)
    merged = merge_aea(a for p in portions for a in p.aea if a.kind not in dropped)
    kinds = {a.kind for a in merged}
    if "RD" in kinds and "FRD" in kinds:  # RD supersedes FRD; SIGMAs carried over
        frd = next(a for a in merged if a.kind == "FRD")
        merged = merge_aea([Aea("RD", sigmas=frd.sigmas), *(a for a in merged if a.kind != "FRD")])
    return merged


def _concealed(portions: list[Label]) -> bool:
    return any(p.fgi_concealed for p in portions)


def _fgi(portions: list[Label], foreign: set[str]) -> set[str]:
    return {code for p in portions for code in p.fgi} | foreign


def _dissem(portions: list[Label], classified: bool, non_ic: tuple[str, ...]) -> tuple[str, ...]:
    values = {v for p in portions for v in p.dissem if v in _UNION_DISSEM}
    caveated = {"SBU", "SBU NOFORN", "LES", "LES NOFORN"} & {v for p in portions for v in p.non_ic}
    if not classified and not caveated and any("FOUO" in p.dissem for p in portions):
        values.add("FOUO")  # ISM-ID-00066
    return in_order(values, DISSEM_ORDER)


def _non_ic(portions: list[Label], classified: bool) -> tuple[str, ...]:
    values = {v for p in portions for v in p.non_ic}
    if classified:
        values -= _UNCLASSIFIED_ONLY  # ISM-ID-00037
    for strong, weak in _SUPERSEDES.items():
        if strong in values:
            values.discard(weak)
    return in_order(values, NON_IC_ORDER)


def _disclosure(
    portions: list[Label], classified: bool, *, noforn_allowed: bool
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(REL TO, DISPLAY ONLY, NOFORN/RELIDO) of the banner: rules 4–7.

    A NATO or RESTRICTED banner without a common release marking carries none: NOFORN is
    not used on NATO or RESTRICTED material (codice 4.b.3, 2.c).
    """
    nf_caveat = any({"SBU NOFORN", "LES NOFORN"} & set(p.non_ic) for p in portions)
    distribution = any({"EXDIS", "NODIS"} & set(p.non_ic) for p in portions)  # 00313/00314
    if any("NOFORN" in p.dissem for p in portions) or distribution or (classified and nf_caveat):
        return (), (), ("NOFORN",) if noforn_allowed else ()
    relevant = [p for p in portions if p.level > Level.U or p.has_disclosure_marking]
    if not relevant or (nf_caveat and not classified):
        return (), (), ()  # unclassified: releasable, or NOFORN carried by SBU/LES NOFORN
    rel_to: tuple[str, ...] = ()
    if all(p.rel_to for p in relevant):
        rel_to = _intersect([p.rel_to for p in relevant])
        rel_to = rel_to if set(rel_to) - {"USA"} else ()
    display_only: tuple[str, ...] = ()
    if all(p.rel_to or p.display_only for p in relevant):
        view = _intersect([p.rel_to + p.display_only for p in relevant])
        covered = expand(rel_to) | set(rel_to) | {"USA"}
        display_only = tuple(c for c in view if c not in covered)
    relido = all("RELIDO" in p.dissem for p in relevant)
    if not (rel_to or display_only or relido):
        return (), (), ("NOFORN",) if noforn_allowed else ()
    return rel_to, display_only, ("RELIDO",) if relido else ()


def _intersect(lists: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Intersection after expanding FVEY/ACGU/TEYE; a group written in every list and still
    wholly present is written as the group again (`USA, FVEY` ∩ `USA, FVEY` = `USA, FVEY`)."""
    common = set.intersection(*(set(expand(codes)) for codes in lists))
    for code, members in sorted(expanded_groups().items(), key=lambda g: -len(g[1])):
        if all(code in codes for codes in lists) and members <= common | {"USA"}:
            common = (common - members) | {code, "USA"}
    return canonical_countries(common)


def dominates(a: Label, b: Label) -> bool:
    """``a`` is at least as restrictive as ``b`` in every respect (a partial order on
    canonical labels): level, what a reader must hold, handling caveats, and disclosure.

    Equally restrictive but distinct labels are ordered by tie-breaks so that the order is
    antisymmetric: NOFORN above "no release decision" (`(C)` rolls up to C//NOFORN), a list
    of members above the group code that names them, same owners. For "may anyone who
    may see ``a`` see ``b``?" (a body ceiling) use ``covers``.
    """
    return _at_least(a, b) and at_most(disclosure(a), disclosure(b))


def covers(a: Label, b: Label) -> bool:
    """Everyone allowed to see ``a`` is allowed to see ``b``, and ``b`` carries no control
    ``a`` lacks: the ceiling test (a preorder; ``dominates`` implies it). Unlike
    ``dominates``, `SECRET` covers `CONFIDENTIAL//NOFORN`, and `SECRET//REL TO USA, FVEY`
    covers `SECRET//REL TO USA, AUS, CAN, GBR, NZL`."""
    return _at_least(a, b) and at_most(disclosure(a), disclosure(b), strict=False)


def _at_least(a: Label, b: Label) -> bool:
    return (
        a.level >= b.level
        and _requires_at_least(a, b)
        and set(a.non_us) >= set(b.non_us)
        and _fgi_at_least(a, b)
        and {v for v in a.dissem if v in _UNION_DISSEM}
        >= {v for v in b.dissem if v in _UNION_DISSEM}
        and _caveats(a) >= _caveats(b) - (_CLASSIFIED_COVERS if a.level > Level.U else set())
    )


def _requires_at_least(a: Label, b: Label) -> bool:
    need_a, need_b = label_requirements(a), label_requirements(b)
    if a.sap_multiple:  # SAR-MULTIPLE PROGRAMS stands for any set of programs (collapse)
        need_b = frozenset(k for k in need_b if not k.startswith("SAR-"))
    return need_a >= need_b


def _fgi_at_least(a: Label, b: Label) -> bool:
    if a.fgi_concealed:
        return True
    return not b.fgi_concealed and set(a.fgi) >= set(b.fgi)


_CLASSIFIED_COVERS = {"FOUO", "SBU", "SBU NOFORN", *UCNI}
_IMPLIED = {"SBU NOFORN": {"SBU", "FOUO"}, "SBU": {"FOUO"}, "LES NOFORN": {"LES", "FOUO"},
            "LES": {"FOUO"}, "NODIS": {"EXDIS"}}  # fmt: skip


def _caveats(label: Label) -> set[str]:
    """Non-IC controls, FOUO and UCNI, closed under supersession (SBU NOFORN ⊇ SBU ⊇ FOUO)."""
    values = set(label.non_ic) | ({"FOUO"} & set(label.dissem))
    values.update(a.kind for a in label.aea if a.kind in UCNI)
    for value in list(values):
        values |= _IMPLIED.get(value, set())
    return values

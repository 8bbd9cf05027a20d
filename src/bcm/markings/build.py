"""Build canonical Labels: every sequence sorted and merged the one canonical way."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from bcm.markings.countries import canonical_countries
from bcm.markings.disclosure import expand
from bcm.markings.model import Aea, Compartment, Label, SciControl
from bcm.markings.parser import Draft
from bcm.markings.vocab import (
    AEA_KINDS,
    DISSEM_ORDER,
    NON_IC_ORDER,
    NON_US_ORDER,
    SCI_ALIASES,
    SCI_ORDER,
)


def label_from_draft(draft: Draft) -> Label:
    """The canonical Label of a parsed marking (legacy REL lists gain their implied USA)."""
    klass = draft.klass
    rel_to = canonical_countries([*draft.rel_to, "USA"] if draft.rel_to else [])
    non_ic = drop_superseded(in_order(draft.non_ic, NON_IC_ORDER))
    dissem = [v for v in draft.dissem if v != "DISPLAY ONLY"]
    if {"SBU", "SBU NOFORN", "LES", "LES NOFORN"} & set(non_ic):
        dissem = [v for v in dissem if v != "FOUO"]  # SBU/LES supersede FOUO (ISM-ID-00066)
    if {"SBU NOFORN", "LES NOFORN"} & set(non_ic):
        dissem = [v for v in dissem if v != "NOFORN"]  # already said by SBU/LES NOFORN
    covered = set(rel_to) | expand(rel_to)
    return Label(
        level=klass.level,
        owner=klass.owner,
        joint=klass.joint,
        non_us=in_order(draft.non_us + list(klass.non_us), NON_US_ORDER),
        sci=merge_sci(parse_sci(value) for value in draft.sci) if draft.sci else (),
        sap=canonical_sap(draft.sap),
        hvsaco=draft.hvsaco,
        aea=merge_aea(draft.aea) if draft.aea else (),
        fgi=() if draft.fgi_concealed else canonical_countries(draft.fgi),
        fgi_concealed=draft.fgi_concealed,
        dissem=in_order(dissem, DISSEM_ORDER),
        rel_to=rel_to,
        display_only=canonical_countries([c for c in draft.display_only if c not in covered]),
        non_ic=non_ic,
        accm=tuple(sorted(set(draft.accm))) if draft.accm else (),
    )


_SUPERSEDES = {"SBU NOFORN": "SBU", "LES NOFORN": "LES"}


def drop_superseded(values: tuple[str, ...]) -> tuple[str, ...]:
    """SBU NOFORN says SBU, LES NOFORN says LES: keep the stronger only. One canonical
    spelling per meaning keeps dominance antisymmetric. (EXDIS with NODIS stays: it is an
    error the rules report, codice 1.d.)"""
    weak = {_SUPERSEDES[v] for v in values if v in _SUPERSEDES}
    return tuple(v for v in values if v not in weak)


def in_order(values: Iterable[str], order: tuple[str, ...]) -> tuple[str, ...]:
    """Deduplicated values in vocabulary (CVE) order."""
    unique = set(values)
    if not unique:
        return ()
    return tuple(sorted(unique, key=_ranks(order).__getitem__))


@cache
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    return {value: rank for rank, value in enumerate(order)}


def parse_sci(value: str) -> SciControl:
    """``HCS-X ABC DEF`` -> HCS, (X (ABC, DEF)); ``SI-G-XXX`` -> SI, (G, XXX)."""
    system, *rest = value.split("-")
    compartments = []
    for part in rest:
        name, *subs = part.split(" ")
        compartments.append(Compartment(name, tuple(subs)))
    return SciControl(SCI_ALIASES.get(system, system), tuple(compartments))


def merge_sci(controls: Iterable[SciControl]) -> tuple[SciControl, ...]:
    """One entry per system, compartments and sub-compartments merged and sorted; published
    systems in CVE order, unpublished ones after them alphabetically."""
    merged: dict[str, dict[str, set[str]]] = {}
    for control in controls:  # usually empty: the loop is the fast exit
        comps = merged.setdefault(control.system, {})
        for comp in control.compartments:
            comps.setdefault(comp.name, set()).update(comp.subs)
    return tuple(
        SciControl(
            system, tuple(Compartment(n, tuple(sorted(s))) for n, s in sorted(comps.items()))
        )
        for system, comps in sorted(merged.items(), key=lambda item: sci_key(item[0]))
    )


def sci_key(system: str) -> tuple[int, str]:
    """Published SCI systems first in CVE order, then the rest alphabetically."""
    if system in SCI_ORDER:
        return (SCI_ORDER.index(system), "")
    return (len(SCI_ORDER), system)


def canonical_sap(programs: Iterable[str]) -> tuple[str, ...]:
    """Sorted program identifiers; MULTIPLE PROGRAMS stands alone."""
    unique = set(programs)
    if "MULTIPLE PROGRAMS" in unique:
        return ("MULTIPLE PROGRAMS",)
    return tuple(sorted(unique))


def merge_aea(markings: Iterable[Aea]) -> tuple[Aea, ...]:
    """One entry per kind: CNWDI if any, SIGMAs united."""
    merged: dict[str, tuple[bool, set[int]]] = {}
    for aea in markings:  # usually empty
        cnwdi, sigmas = merged.get(aea.kind, (False, set()))
        merged[aea.kind] = (cnwdi or aea.cnwdi, sigmas | set(aea.sigmas))
    return tuple(
        Aea(kind, cnwdi, tuple(sorted(sigmas)))
        for kind, (cnwdi, sigmas) in sorted(merged.items(), key=lambda i: AEA_KINDS.index(i[0]))
    )

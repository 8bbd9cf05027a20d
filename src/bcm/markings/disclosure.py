"""Foreign disclosure: who beyond the owner may read a label (markings.md §4, §6.4–6.6).

Country lists hold raw tokens (trigraphs and tetragraphs). FVEY, ACGU and TEYE expand into
their members (groups.json, ``expand``); every other tetragraph (NATO, ISAF...) is opaque and
matches a reader only through a group membership in the clearance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bcm.markings.levels import Level
from bcm.markings.model import Label
from bcm.markings.vocab import expanded_groups


def expand(codes: Iterable[str]) -> frozenset[str]:
    """Codes with FVEY/ACGU/TEYE replaced by their member trigraphs."""
    groups = expanded_groups()
    out: set[str] = set()
    for code in codes:
        out |= groups.get(code, {code})
    return frozenset(out)


def reader_tokens(nationality: str, groups: Iterable[str]) -> frozenset[str]:
    """The tokens a reader matches in a country list: nationality, declared groups, and every
    expandable tetragraph whose members include the nationality."""
    tokens = {nationality, *groups}
    tokens.update(code for code, members in expanded_groups().items() if nationality in members)
    return frozenset(tokens)


def releasable_to_everyone(label: Label) -> bool:
    """UNCLASSIFIED without any foreign-disclosure marking is releasable (issue #2 §5)."""
    return label.level == Level.U and not label.has_disclosure_marking


@dataclass(frozen=True, slots=True)
class Disclosure:
    """A label's foreign-disclosure profile, for dominance.

    ``access``: nations that may receive it (owners and expanded REL TO); ``view`` adds
    DISPLAY ONLY. ``rank`` orders the ways of saying "not releasable" (2 NOFORN, 1 no
    decision yet on classified material, 0 otherwise; 3 when NOFORN is written, 2 when a
    caveat such as EXDIS implies it) so that distinct canonical labels
    stay distinct in the order; ``groups`` are the expandable tetragraphs written, which
    keep `USA, FVEY` (follows membership changes) apart from the listed members.
    """

    universe: bool
    access: frozenset[str]
    view: frozenset[str]
    rel_groups: frozenset[str]
    view_groups: frozenset[str]
    rank: int
    relido: bool
    owners: frozenset[str]


def disclosure(label: Label) -> Disclosure:
    """The disclosure profile of ``label``."""
    owners = frozenset(label.owners)
    access = owners | expand(label.rel_to)
    view = access | expand(label.display_only)
    expandable = set(expanded_groups())
    undecided = label.level > Level.U and not label.has_disclosure_marking
    rank = 3 if "NOFORN" in label.dissem else 2 if label.noforn else 1 if undecided else 0
    return Disclosure(
        universe=releasable_to_everyone(label),
        access=access,
        view=view,
        rel_groups=frozenset(expandable & set(label.rel_to)),
        view_groups=frozenset(expandable & set(label.rel_to + label.display_only)),
        rank=rank,
        relido="RELIDO" in label.dissem,
        owners=owners,
    )


def at_most(a: Disclosure, b: Disclosure, *, strict: bool = True) -> bool:
    """``a`` discloses no more than ``b`` (``a`` is at least as restrictive).

    ``strict`` adds the tie-breaks that make dominance a partial order; without them this
    compares only who may receive the material (a preorder).
    """
    if b.universe:
        return a.owners == b.owners if a.universe and strict else True
    if a.universe:
        return False
    if not strict:
        return a.access <= b.access and a.view <= b.view and (not a.relido or b.relido)
    same_owners = a.owners == b.owners
    return (
        _narrower(a.access, a.rel_groups, b.access, b.rel_groups, same_owners)
        and _narrower(a.view, a.view_groups, b.view, b.view_groups, same_owners)
        and a.rank >= b.rank
        and (not a.relido or b.relido)
    )


def _narrower(
    a: frozenset[str],
    a_groups: frozenset[str],
    b: frozenset[str],
    b_groups: frozenset[str],
    same_owners: bool,
) -> bool:
    # Lexicographic, so that distinct canonical labels never dominate each other both ways:
    # fewer nations; or the same nations written with fewer group codes; or the same
    # nations and codes under the same owners (a JOINT CAN USA label and a U.S. label
    # REL TO USA, CAN reach the same nations but are not the same label).
    if a < b:
        return True
    return a == b and (a_groups < b_groups or (a_groups == b_groups and same_owners))

"""The label value: everything a banner or portion mark says, in canonical order.

A ``Label`` is frozen, slotted and hashable; two labels are equal exactly when their
canonical renderings are equal. Sequences are tuples kept in canonical order by the parser
and by ``make_label``; constructing a Label by hand with unsorted tuples is a caller error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bcm.markings.levels import Level


@dataclass(frozen=True, slots=True)
class Compartment:
    """An SCI compartment and its sub-compartments: ``G`` with ``("ABCD",)`` in ``SI-G ABCD``."""

    name: str
    subs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SciControl:
    """An SCI control system and its compartments: ``SI-G ABCD`` -> SI, (G (ABCD)).

    Unknown systems and compartments are kept as opaque tokens (markings.md §5).
    """

    system: str
    compartments: tuple[Compartment, ...] = ()

    def requirement_keys(self) -> frozenset[str]:
        """What a reader must be read into: the most specific names (a compartment implies
        its system, not the reverse; issue #2 §5)."""
        if not self.compartments:
            return frozenset({self.system})
        keys: set[str] = set()
        for comp in self.compartments:
            base = f"{self.system}-{comp.name}"
            keys.update(f"{base} {sub}" for sub in comp.subs) if comp.subs else keys.add(base)
        return frozenset(keys)


@dataclass(frozen=True, slots=True)
class Aea:
    """An atomic-energy marking: RD, FRD, DOD UCNI, DOE UCNI or TFNI, with CNWDI and SIGMAs."""

    kind: str
    cnwdi: bool = False
    sigmas: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Label:
    """A security label. ``str(label)`` is the canonical banner.

    ``owner`` is the originating nation (a trigraph, ``NATO``, or ``JOINT`` with the co-owners
    in ``joint``); ``dissem`` and ``non_ic`` hold banner words in CVE order, REL TO and
    DISPLAY ONLY lists and ACCM names live in their own fields.
    """

    level: Level
    owner: str = "USA"
    joint: tuple[str, ...] = ()
    non_us: tuple[str, ...] = ()
    sci: tuple[SciControl, ...] = ()
    sap: tuple[str, ...] = ()
    hvsaco: bool = False
    aea: tuple[Aea, ...] = ()
    fgi: tuple[str, ...] = ()
    fgi_concealed: bool = False
    dissem: tuple[str, ...] = ()
    rel_to: tuple[str, ...] = ()
    display_only: tuple[str, ...] = ()
    non_ic: tuple[str, ...] = ()
    accm: tuple[str, ...] = ()
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        # Labels are dict keys on hot paths (compile cache, recipient index): hash once.
        if not self._hash:
            value = hash(tuple(getattr(self, name) for name in _FIELDS)) or 1
            object.__setattr__(self, "_hash", value)
        return self._hash

    def __str__(self) -> str:
        from bcm.markings.render import render_banner

        return render_banner(self)

    @property
    def owners(self) -> tuple[str, ...]:
        """The nations (or group) whose nationals the label is native to."""
        return self.joint if self.owner == "JOINT" else (self.owner,)

    @property
    def is_us(self) -> bool:
        """A U.S. product: the class part is a plain U.S. level."""
        return self.owner == "USA"

    @property
    def noforn(self) -> bool:
        """Not releasable to foreign nationals: NOFORN, or a caveat that implies it (SBU
        NOFORN, LES NOFORN, and EXDIS/NODIS, which must be NOFORN: ISM-ID-00313/00314)."""
        return "NOFORN" in self.dissem or not _NOFORN_CAVEATS.isdisjoint(self.non_ic)

    @property
    def has_disclosure_marking(self) -> bool:
        """Any explicit foreign-disclosure marking (ISM-ID-00119's list)."""
        return bool(self.noforn or self.rel_to or self.display_only or "RELIDO" in self.dissem)

    @property
    def sap_multiple(self) -> bool:
        """``SAR-MULTIPLE PROGRAMS``: more than four programs collapsed (codice 7.e)."""
        return self.sap == ("MULTIPLE PROGRAMS",)


_NOFORN_CAVEATS = frozenset({"SBU NOFORN", "LES NOFORN", "EXDIS", "NODIS"})
_FIELDS: tuple[str, ...] = tuple(
    name for name in Label.__dataclass_fields__ if not name.startswith("_")
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation finding: a short stable rule id and a plain sentence."""

    rule: str
    message: str

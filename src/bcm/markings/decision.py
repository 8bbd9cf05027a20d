"""The label decision: may a reader with this clearance see material with this label?

This is the label half of access only; clearance validity (expiry, suspension) and
need-to-know are composed with it in ``bcm.domain`` (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bcm.errors import MarkingError
from bcm.markings.disclosure import reader_tokens, releasable_to_everyone
from bcm.markings.levels import Level
from bcm.markings.model import Label
from bcm.markings.requirements import granted_keys, label_requirements
from bcm.markings.vocab import is_country_code, trigraphs


@dataclass(frozen=True, slots=True, init=False)
class Clearance:
    """A reader's clearance: nationality (ISO 3166 trigraph), level, SCI compartments read in
    (``SI``, ``SI-G``, ``TK``...), groups (``NATO``...) and special authorizations (``ORCON``,
    ``NODIS``, ``SAR-BP``, ``RD``...). Hashable; equal clearances decide alike."""

    nationality: str
    level: Level
    compartments: frozenset[str]
    groups: frozenset[str]
    authorizations: frozenset[str]

    def __init__(
        self,
        nationality: str,
        level: Level | str,
        compartments: Iterable[str] = (),
        groups: Iterable[str] = (),
        authorizations: Iterable[str] = (),
    ) -> None:
        nation = nationality.strip().upper()
        if nation not in trigraphs():
            raise MarkingError(
                nationality,
                [("unknown-country", f"nationality {nationality!r} is not an ISO 3166 trigraph")],
                field="nationality",
            )
        group_set = frozenset(g.strip().upper() for g in groups)
        for group in group_set:
            if not is_country_code(group):
                raise MarkingError(
                    group, [("unknown-group", f"{group!r} is not a group code")], field="group"
                )
        set_ = object.__setattr__
        set_(self, "nationality", nation)
        set_(self, "level", level if isinstance(level, Level) else Level.parse(level))
        set_(self, "compartments", frozenset(" ".join(c.upper().split()) for c in compartments))
        set_(self, "groups", group_set)
        set_(self, "authorizations", frozenset(" ".join(a.upper().split()) for a in authorizations))


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome with its reason; ``view_only`` when allowed through DISPLAY ONLY."""

    allowed: bool
    reason: str
    view_only: bool = False


def decide(clearance: Clearance, label: Label) -> Decision:
    """Decide whether ``clearance`` may see material marked ``label``.

    Precedence — the first rule that applies gives the outcome, denials before the final
    allow; every outcome has a reason:

    1. Level: the clearance level must be at least the label level (U < R < C < S < TS).
    2. SCI: every compartment on the label must be read in; a compartment read in implies
       its control system, never the reverse (SI-G grants SI; SI does not grant SI-G).
    3. Special authorizations: each SAP program (SAR-x), HVSACO, atomic-energy marking
       (RD, FRD, CNWDI, SIGMA n, TFNI; UCNI is unclassified and needs none), ORCON,
       EXDIS, NODIS and ACCM needs the matching authorization (RD grants FRD, NODIS
       grants EXDIS).
    4. Foreign disclosure, for a reader who is not a national of the label's owner (the
       owner is written in the label: USA by default, the nation of `//DEU SECRET`, the
       co-owners of JOINT, NATO for NATO material through the NATO group):
       a. UNCLASSIFIED with no disclosure marking is releasable;
       b. NOFORN denies, and so do SBU NOFORN, LES NOFORN, EXDIS and NODIS, which imply it;
       c. REL TO listing the reader's nation, or a group the reader belongs to (FVEY, ACGU,
          TEYE by nationality; other tetragraphs such as NATO by the clearance's groups),
          allows;
       d. DISPLAY ONLY listing the reader allows, view-only;
       e. RELIDO without a matching REL TO denies: not yet released by a disclosure official;
       f. a REL TO or DISPLAY ONLY list without the reader denies;
       g. classified material with no disclosure marking denies: no release decision made.
    5. Otherwise allowed.
    """
    if clearance.level < label.level:
        return Decision(False, f"{label.level.word} material needs a {label.level.word} clearance; the reader holds {clearance.level.word}")  # fmt: skip  # noqa: E501
    missing = label_requirements(label) - granted_keys(
        clearance.compartments, clearance.authorizations
    )
    if missing:
        return Decision(False, _missing_reason(missing))
    return _disclosure_decision(clearance, label)


def _missing_reason(missing: frozenset[str]) -> str:
    sci = sorted(k.removeprefix("SCI:") for k in missing if k.startswith("SCI:"))
    other = sorted(k for k in missing if not k.startswith("SCI:"))
    if sci:
        return "not read in to " + ", ".join(sci)
    return "needs the special authorization " + ", ".join(other)


def _noforn_word(label: Label) -> str:
    if "NOFORN" in label.dissem:
        return "NOFORN"
    caveat = next(c for c in label.non_ic if c in ("SBU NOFORN", "LES NOFORN", "EXDIS", "NODIS"))
    return f"{caveat} (not releasable to foreign nationals)"


def _disclosure_decision(clearance: Clearance, label: Label) -> Decision:
    tokens = reader_tokens(clearance.nationality, clearance.groups)
    owners = ", ".join(label.owners)
    if tokens & set(label.owners):
        return Decision(True, f"allowed: {clearance.nationality} reader of {owners} material")
    if releasable_to_everyone(label):
        return Decision(True, "allowed: UNCLASSIFIED without a disclosure marking is releasable")
    if label.noforn:
        return Decision(False, f"{_noforn_word(label)}: only {owners} nationals")
    if tokens & set(label.rel_to):
        return Decision(True, f"allowed: releasable to {', '.join(label.rel_to)}")
    if tokens & set(label.display_only):
        return Decision(True, f"allowed view-only: DISPLAY ONLY {', '.join(label.display_only)}", view_only=True)  # fmt: skip  # noqa: E501
    if "RELIDO" in label.dissem:
        return Decision(False, "RELIDO: not yet released by a disclosure official")
    if label.rel_to or label.display_only:
        listed = ", ".join(label.rel_to + label.display_only)
        return Decision(False, f"not releasable to {clearance.nationality}: listed {listed}")
    return Decision(
        False,
        f"no release decision: {label.level.word} material without REL TO is not releasable "
        f"to foreign nationals ({clearance.nationality} reader of {owners} material)",
    )

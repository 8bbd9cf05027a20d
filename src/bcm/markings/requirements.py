"""What a label requires of a reader, and what a clearance grants, as sets of keys.

Both sides are *closed* under implication so that a plain subset test decides: a compartment
implies its control system (SI-G ABCD -> SI-G -> SI; issue #2 §5), RD implies FRD, CNWDI is
part of RD, NODIS implies EXDIS. SCI keys carry the prefix ``SCI:`` so that an opaque SCI
name can never collide with an authorization name.
"""

from __future__ import annotations

from collections.abc import Iterable

from bcm.markings.build import parse_sci
from bcm.markings.model import Aea, Label, SciControl

_AUTH_ALIASES: dict[str, str] = {
    "OC": "ORCON", "XD": "EXDIS", "ND": "NODIS", "RD-N": "CNWDI", "RD-CNWDI": "CNWDI",
    "RESTRICTED DATA": "RD", "FORMERLY RESTRICTED DATA": "FRD", "DCNI": "DOD UCNI",
    "UCNI": "DOE UCNI",
}  # fmt: skip
UCNI = frozenset({"DOD UCNI", "DOE UCNI"})
# An authorization also grants these (the stronger access includes the weaker one).
_AUTH_IMPLIES: dict[str, tuple[str, ...]] = {
    "RD": ("FRD",), "CNWDI": ("RD", "FRD"), "NODIS": ("EXDIS",),
}  # fmt: skip


def sci_keys(control: SciControl) -> set[str]:
    """Closed SCI keys of one control: the system, each compartment, each sub-compartment."""
    keys = {f"SCI:{control.system}"}
    for comp in control.compartments:
        base = f"SCI:{control.system}-{comp.name}"
        keys.add(base)
        keys.update(f"{base} {sub}" for sub in comp.subs)
    return keys


def aea_keys(aea: Aea) -> set[str]:
    """Authorizations an atomic-energy marking requires (closed: RD includes FRD).

    UCNI (DOD/DOE) is unclassified controlled information, handled like FOUO: it needs no
    special authorization and is not carried into classified banners (codice 8.f.3).
    """
    if aea.kind in UCNI:
        return set()
    keys = {aea.kind, *_AUTH_IMPLIES.get(aea.kind, ())}
    if aea.cnwdi:
        keys.add("CNWDI")
    keys.update(f"SIGMA {n}" for n in aea.sigmas)
    return keys


def label_requirements(label: Label) -> frozenset[str]:
    """Every key a reader must hold for ``label``: SCI, SAP, AEA, ORCON, EXDIS/NODIS, ACCM."""
    keys: set[str] = set()
    for control in label.sci:
        keys |= sci_keys(control)
    keys.update(f"SAR-{program}" for program in label.sap)
    if label.hvsaco:
        keys.add("HVSACO")
    for aea in label.aea:
        keys |= aea_keys(aea)
    if "ORCON" in label.dissem:
        keys.add("ORCON")
    for caveat in ("EXDIS", "NODIS"):
        if caveat in label.non_ic:
            keys.update({caveat, *_AUTH_IMPLIES.get(caveat, ())})
    keys.update(f"ACCM-{name}" for name in label.accm)
    return frozenset(keys)


def normalize_authorization(text: str) -> str:
    """``oc`` -> ``ORCON``, ``sap bp`` -> ``SAR-BP``, ``sigma 14`` -> ``SIGMA 14``..."""
    word = " ".join(text.upper().split())
    word = _AUTH_ALIASES.get(word, word)
    for prefix in ("SAP:", "SAP-", "SAP ", "SPECIAL ACCESS REQUIRED-"):
        if word.startswith(prefix):
            return "SAR-" + word[len(prefix) :].strip()
    if word.startswith(("SG ", "SG-", "SIGMA-")):
        return "SIGMA " + word.split(maxsplit=1)[1].lstrip("-").strip()
    if word.startswith("ACCM ") or word.startswith("ACCM:"):
        return "ACCM-" + word[5:].strip()
    return word


def granted_keys(compartments: Iterable[str], authorizations: Iterable[str]) -> frozenset[str]:
    """Every key a clearance holds, closed under implication."""
    keys: set[str] = set()
    for compartment in compartments:
        keys |= sci_keys(parse_sci(" ".join(compartment.upper().split())))
    for authorization in authorizations:
        word = normalize_authorization(authorization)
        keys.update({word, *_AUTH_IMPLIES.get(word, ())})
    return frozenset(keys)

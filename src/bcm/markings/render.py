"""Render Labels as canonical banners and portion marks (markings.md §2–3).

Categories in the order of the ODNI reference renderer: class part, [NATO qualifiers], SCI,
SAP, AEA, FGI, dissemination (CVE order, REL TO and DISPLAY ONLY in place), non-IC.
"""

from __future__ import annotations

from bcm.markings.levels import Level
from bcm.markings.model import Aea, Label, SciControl
from bcm.markings.vocab import AEA_PORTION, DISSEM_PORTION, NON_IC_PORTION

_NATO_PORTION = {Level.U: "NU", Level.R: "NR", Level.C: "NC", Level.S: "NS", Level.TS: "CTS"}


def render_banner(label: Label) -> str:
    """The canonical banner line: ``SECRET//REL TO USA, JPN``."""
    return "//".join([_class_banner(label), *_categories(label, portion=False)])


def render_portion(label: Label) -> str:
    """The canonical portion mark, parentheses included: ``(S//REL TO USA, JPN)``."""
    return "(" + "//".join([_class_portion(label), *_categories(label, portion=True)]) + ")"


def render(label: Label, *, portion: bool) -> str:
    """Banner or portion form."""
    return render_portion(label) if portion else render_banner(label)


def _class_banner(label: Label) -> str:
    word = label.level.word
    if label.owner == "USA":
        return word
    if label.owner == "JOINT":
        return f"//JOINT {word} {' '.join(label.joint)}"
    if label.owner == "NATO":
        return "//COSMIC TOP SECRET" if label.level == Level.TS else f"//NATO {word}"
    return f"//{label.owner} {word}"


def _class_portion(label: Label) -> str:
    abbr = label.level.abbreviation
    if label.owner == "USA":
        return abbr
    if label.owner == "JOINT":
        return f"//JOINT {abbr} {' '.join(label.joint)}"
    if label.owner == "NATO":
        return "//" + _NATO_PORTION[label.level]
    return f"//{label.owner} {abbr}"


def _categories(label: Label, *, portion: bool) -> list[str]:
    parts = [
        "/".join(label.non_us),
        "/".join(_sci(control) for control in label.sci),
        _sap(label),
        "/".join(_aea(aea, portion=portion) for aea in label.aea),
        _fgi(label),
        "/".join(_dissem(label, portion=portion)),
        "/".join(_non_ic(label, portion=portion)),
    ]
    return [part for part in parts if part]


def _sci(control: SciControl) -> str:
    text = control.system
    for comp in control.compartments:
        text += f"-{comp.name}" + "".join(f" {sub}" for sub in comp.subs)
    return text


def _sap(label: Label) -> str:
    parts = ["SAR-" + "/".join(label.sap)] if label.sap else []
    if label.hvsaco:
        parts.append("HVSACO")
    return "/".join(parts)


def _aea(aea: Aea, *, portion: bool) -> str:
    text = AEA_PORTION[aea.kind] if portion else aea.kind
    if aea.cnwdi:
        text += "-N"
    if aea.sigmas:
        text += ("-SG " if portion else "-SIGMA ") + " ".join(str(n) for n in aea.sigmas)
    return text


def _fgi(label: Label) -> str:
    if label.fgi_concealed:
        return "FGI"
    return "FGI " + " ".join(label.fgi) if label.fgi else ""


def _dissem(label: Label, *, portion: bool) -> list[str]:
    values = [DISSEM_PORTION[v] if portion else v for v in label.dissem]
    if label.rel_to:
        before = sum(1 for v in label.dissem if v in _BEFORE_REL)
        values.insert(before, "REL TO " + ", ".join(label.rel_to))
    if label.display_only:
        values.append("DISPLAY ONLY " + ", ".join(label.display_only))
    return values


_BEFORE_REL = frozenset({"WAIVED", "RSEN", "FOUO", "ORCON", "IMCON", "NOFORN", "PROPIN"})


def _non_ic(label: Label, *, portion: bool) -> list[str]:
    values = [NON_IC_PORTION[v] if portion else v for v in label.non_ic]
    if label.accm:
        before = sum(1 for v in label.non_ic if v != "NNPI")
        values.insert(before, "ACCM-" + "/".join(label.accm))
    return values

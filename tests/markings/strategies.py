"""Hypothesis strategies: canonical, valid labels and clearances.

Labels are drawn component by component with the validity rules in mind (so few draws are
rejected), built canonically, and filtered by the rules as a backstop.
"""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from bcm.markings import Aea, Clearance, Compartment, Label, Level, SciControl
from bcm.markings.build import canonical_sap, in_order, merge_aea, merge_sci
from bcm.markings.countries import canonical_countries
from bcm.markings.rules import validate
from bcm.markings.vocab import DISSEM_ORDER, NON_IC_ORDER

NATIONS = ["USA", "JPN", "GBR", "CAN", "AUS", "DEU", "AFG", "NZL"]
GROUP_CODES = ["FVEY", "TEYE", "NATO"]
HANDLING = ["PROPIN", "DEA SENSITIVE", "FISA"]


def _subset(values: list[str], max_size: int = 3) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), max_size=max_size, unique=True)


@st.composite
def sci_controls(draw: st.DrawFn, *, allow_hcs: bool) -> tuple[SciControl, ...]:
    systems = ["SI", "TK", "XYZ"] + (["HCS", "KDK"] if allow_hcs else [])
    controls = []
    for system in draw(_subset(systems, 2)):
        names = draw(_subset(["G", "ABC"], 2))
        comps = tuple(Compartment(n, tuple(draw(_subset(["DEF", "QQQ"], 1)))) for n in names)
        controls.append(SciControl(system, comps))
    return merge_sci(controls)


@st.composite
def labels(
    draw: st.DrawFn, *, us_only: bool = False, explicit_fd: bool = False, plain: bool = False
) -> Label:
    """A valid canonical label; ``plain``: none of the roll-up collapse rules applies (no
    FOUO, SBU, FGI, SAP, or expandable group code)."""
    owner = (
        "USA" if us_only else draw(st.sampled_from(["USA", "USA", "USA", "JPN", "NATO", "JOINT"]))
    )
    level = draw(st.sampled_from([Level.U, Level.C, Level.S, Level.TS]))
    fd = draw(st.sampled_from(["NF", "REL", "RELIDO", "REL+RELIDO", "DISPLAY", "REL+DISPLAY"]
                              + ([] if explicit_fd else ["none"])))  # fmt: skip
    if owner == "NATO" and fd == "NF":
        fd = "REL"
    groups = ["NATO"] if plain else GROUP_CODES
    rel_to = draw(_subset(NATIONS[1:] + groups, 3)) if "REL" in fd else []
    if "REL" in fd and not rel_to:
        rel_to = ["JPN"]
    display = draw(_subset(["AFG", "IRQ", "JPN", "NATO"], 2)) if "DISPLAY" in fd else []
    display = [c for c in display if c not in rel_to]  # canonical form drops covered ones
    if "DISPLAY" in fd and not display:
        display = ["IRQ"]
    classified = level > Level.U
    dissem = ["NOFORN"] if fd == "NF" else []
    dissem += ["RELIDO"] if "RELIDO" in fd else []
    dissem += draw(_subset(HANDLING, 2))
    if classified:
        dissem += draw(_subset(["ORCON"] + (["IMCON", "RSEN"] if level >= Level.S else []), 2))
    elif not plain and draw(st.booleans()):
        dissem.append("FOUO")
    with_sci = classified and fd != "none" and owner == "USA"  # SCI is a U.S. control system
    sci = draw(sci_controls(allow_hcs=fd == "NF")) if with_sci else ()
    if any(c.system == "SI" and any(k.name == "G" for k in c.compartments) for c in sci):
        dissem.append("ORCON")
    sap = canonical_sap(draw(_subset(["BP", "GB", "TC"], 3))) if classified and not plain else ()
    if sap and draw(st.booleans()):
        dissem.append("WAIVED")
    aea = _aea(draw) if classified else ()
    fgi, concealed = (), False
    if classified and owner == "USA" and not plain:
        concealed = draw(st.booleans()) and draw(st.booleans())
        fgi = () if concealed else canonical_countries(draw(_subset(["DEU", "GBR", "NATO"], 2)))
    non_ic = draw(
        _subset(
            ["LIMDIS", "LES", "SSI", "NNPI"] + (["SBU"] if not (classified or plain) else []), 2
        )
    )
    if fd in ("NF", "none") and draw(st.booleans()):
        non_ic.append(draw(st.sampled_from(["EXDIS", "NODIS"])))
    if {"SBU", "LES"} & set(non_ic):  # they supersede FOUO (canonical form drops it)
        dissem = [v for v in dissem if v != "FOUO"]
    label = Label(
        level=level,
        owner=owner,
        joint=("CAN", "USA") if owner == "JOINT" else (),
        sci=sci,
        sap=sap,
        hvsaco=classified and draw(st.booleans()) and draw(st.booleans()),
        aea=aea,
        fgi=fgi,
        fgi_concealed=concealed,
        dissem=in_order(dissem, DISSEM_ORDER),
        rel_to=canonical_countries(["USA", *rel_to]) if rel_to else (),
        display_only=canonical_countries(display),
        non_ic=in_order(non_ic, NON_IC_ORDER),
        accm=tuple(sorted(draw(_subset(["TEA LEAF", "X_Y"], 2)))),
    )
    assume(not validate(label))
    return label


def _aea(draw: st.DrawFn) -> tuple[Aea, ...]:
    markings = []
    for kind in draw(_subset(["RD", "FRD"], 1)):
        sigmas = tuple(sorted(int(n) for n in draw(_subset(["14", "20"], 2))))
        markings.append(Aea(kind, cnwdi=kind == "RD" and draw(st.booleans()), sigmas=sigmas))
    return merge_aea(markings)


AUTHORIZATIONS = ["ORCON", "NODIS", "EXDIS", "SAR-BP", "SAR-GB", "RD", "CNWDI", "HVSACO",
                  "ACCM-TEA LEAF", "ACCM-X_Y"]  # fmt: skip
COMPARTMENTS = ["SI", "SI-G", "SI-G DEF", "TK", "TK-ABC", "HCS", "XYZ-ABC DEF"]


@st.composite
def clearances(draw: st.DrawFn) -> Clearance:
    return Clearance(
        draw(st.sampled_from(NATIONS)),
        draw(st.sampled_from(list(Level))),
        draw(_subset(COMPARTMENTS, 4)),
        draw(_subset(["NATO", "FVEY"], 2)),
        draw(_subset(AUTHORIZATIONS, 6)),
    )


@st.composite
def raised(draw: st.DrawFn, clearance: Clearance) -> Clearance:
    """The same reader with a level at least as high and at least the same read-ins."""
    level = draw(st.sampled_from([lv for lv in Level if lv >= clearance.level]))
    more = draw(clearances())
    return Clearance(
        clearance.nationality,
        level,
        clearance.compartments | more.compartments,
        clearance.groups | more.groups,
        clearance.authorizations | more.authorizations,
    )

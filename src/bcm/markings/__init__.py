"""The marking core: security labels, their parsing, validation, roll-up and decision.

Standard library only. Every name other packages use is exported here (see
docs/architecture.md, "The marking core's public interface"); never import the submodules
from outside the package.
"""

from __future__ import annotations

from bcm.errors import MarkingError
from bcm.markings.check import MarkingCheck, check_marking, parse_label
from bcm.markings.decision import Clearance, Decision, decide
from bcm.markings.fastpath import (
    CompiledClearance,
    CompiledLabel,
    RecipientIndex,
    allows,
    compile_clearance,
    compile_label,
)
from bcm.markings.levels import Level
from bcm.markings.model import Aea, Compartment, Label, Problem, SciControl
from bcm.markings.national import Equivalence, equivalence, from_national_terms, national_terms
from bcm.markings.render import render_banner, render_portion
from bcm.markings.rollup import covers, dominates, rollup

__all__ = [
    "Aea",
    "Clearance",
    "Compartment",
    "CompiledClearance",
    "CompiledLabel",
    "Decision",
    "Equivalence",
    "Label",
    "Level",
    "MarkingCheck",
    "MarkingError",
    "Problem",
    "RecipientIndex",
    "SciControl",
    "allows",
    "check_marking",
    "compile_clearance",
    "compile_label",
    "covers",
    "decide",
    "dominates",
    "equivalence",
    "from_national_terms",
    "national_terms",
    "parse_label",
    "render_banner",
    "render_portion",
    "rollup",
]

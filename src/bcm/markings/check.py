"""Check a marking: parse, validate, canonicalize, and suggest (the public entry points)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bcm.errors import MarkingError
from bcm.markings.build import label_from_draft
from bcm.markings.levels import Level
from bcm.markings.model import Label, Problem
from bcm.markings.parser import Draft, parse_draft
from bcm.markings.render import render, render_banner
from bcm.markings.rules import validate
from bcm.markings.vocab import is_country_code

_MAX_LENGTH = 1000  # longer text is not a marking; refusing it bounds the parser's work


@dataclass(frozen=True, slots=True)
class MarkingCheck:
    """The outcome of ``check_marking``: never an exception.

    ``canonical`` has the form of the input (banner, or portion mark with parentheses);
    ``banner`` is the banner form of the same label (not a roll-up). ``suggestion`` is the
    canonical form of what was probably meant, when the only problems are ordering or
    spelling ones.
    """

    text: str
    valid: bool
    label: Label | None
    canonical: str | None
    banner: str | None
    problems: tuple[Problem, ...]
    suggestion: str | None
    legacy: bool = False


def check_marking(text: str, *, owner: str = "USA") -> MarkingCheck:
    """Parse and validate a banner or portion mark, modern or legacy, any case."""
    if not isinstance(text, str) or len(text) > _MAX_LENGTH:
        problem = Problem("too-long", f"a marking is at most {_MAX_LENGTH} characters")
        return MarkingCheck(str(text)[:80], False, None, None, None, (problem,), None)
    return _check_cached(text, owner)


@lru_cache(maxsize=4096)
def _check_cached(text: str, owner: str) -> MarkingCheck:
    return check_uncached(text, owner=owner)


def check_uncached(text: str, *, owner: str = "USA") -> MarkingCheck:
    """``check_marking`` without the cache of repeated strings (benchmarks report both)."""
    if owner == "USA":
        simple = _check_simple(text)
        if simple is not None:
            return simple
    if owner != "USA" and not is_country_code(owner):
        problem = Problem("unknown-country", f"owner {owner!r} is not a country or group code")
        return MarkingCheck(text, False, None, None, None, (problem,), None)
    draft = parse_draft(text, owner)
    if isinstance(draft, Problem):
        return MarkingCheck(text, False, None, None, None, (draft,), None)
    return _finish(text, draft)


# The shapes of almost every cable portion mark ((C), (S), (SBU), (S/NF), (U), (C//NF);
# markings.md §3 counts): a plain U.S. level, optionally NOFORN, parsed by one regex.
_SIMPLE = re.compile(r"\(\s*(TS|S|C|U|SBU)\s*(?:(/{1,2})\s*(NF|NOFORN)\s*)?\)", re.IGNORECASE)


def _check_simple(text: str) -> MarkingCheck | None:
    m = _SIMPLE.fullmatch(text.strip())
    if m is None:
        return None
    word, slashes = m.group(1).upper(), m.group(2)
    label, canonical, banner = _SIMPLE_LABELS[word, m.group(3) is not None]
    legacy = word == "SBU" or slashes == "/"
    return MarkingCheck(text, True, label, canonical, banner, (), None, legacy)


def _simple_labels() -> dict[tuple[str, bool], tuple[Label, str, str]]:
    """The labels of the simple shapes with their renderings (immutable constants)."""
    table: dict[tuple[str, bool], tuple[Label, str, str]] = {}
    for word in ("TS", "S", "C", "U", "SBU"):
        for noforn in (False, True):
            if word == "SBU":
                label = Label(Level.U, non_ic=("SBU NOFORN" if noforn else "SBU",))
            else:
                label = Label(Level[word], dissem=("NOFORN",) if noforn else ())
            table[word, noforn] = (label, render(label, portion=True), render_banner(label))
    return table


_SIMPLE_LABELS = _simple_labels()


def _with_noforn(draft: Draft) -> Draft:
    """A legacy SCI mark with no foreign-disclosure marking, such as ``(TS/SI)``, predates
    ICD 710: no release decision was made, which the label decision and the roll-up already
    treat as NOFORN. Writing NOFORN makes the canonical form valid modern syntax (SCI needs
    an explicit foreign-disclosure marking, ISM-ID-00119) without changing who may see it."""
    draft.dissem.append("NOFORN")
    return draft


def _finish(text: str, draft: Draft) -> MarkingCheck:
    findings = draft.findings + _class_word_findings(draft)
    label = label_from_draft(draft)
    if draft.legacy and label.sci and not label.has_disclosure_marking:
        label = label_from_draft(_with_noforn(draft))
    rule_problems = validate(label)
    problems = tuple(problem for problem, _fixable in findings) + tuple(rule_problems)
    if not problems:
        canonical = render(label, portion=draft.portion)
        return MarkingCheck(
            text, True, label, canonical, render_banner(label), (), None, draft.legacy
        )
    fixable = not rule_problems and all(fix for _problem, fix in findings)
    suggestion = render(label, portion=draft.portion) if fixable else None
    return MarkingCheck(text, False, None, None, None, problems, suggestion, draft.legacy)


def _class_word_findings(draft: Draft) -> list[tuple[Problem, bool]]:
    """COSMIC only with TOP SECRET, NATO only below it (codice 4.b.2.a)."""
    klass = draft.klass
    if klass.cosmic and klass.level != Level.TS:
        return [
            (Problem("cosmic-top-secret-only", "COSMIC is only used for NATO TOP SECRET"), True)
        ]
    if klass.nato_word and klass.level == Level.TS:
        return [(Problem("nato-top-secret-is-cosmic", "NATO TOP SECRET is written COSMIC TOP SECRET"), True)]  # fmt: skip  # noqa: E501
    return []


def parse_label(text: str, *, owner: str = "USA") -> Label:
    """The Label of a valid marking; ``MarkingError`` (with problems and suggestion) otherwise.

    ``owner`` applies when the marking does not name its owner (a plain ``SECRET`` or
    ``(S//NF)``); an owner written in the marking (``//DEU SECRET``) always wins.
    """
    result = check_marking(text, owner=owner)
    if result.label is None:
        raise MarkingError(
            result.text,
            [(p.rule, p.message) for p in result.problems],
            suggestion=result.suggestion,
        )
    return result.label

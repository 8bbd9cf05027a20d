"""Parse banners and portion marks, modern and legacy, into a Label plus syntax findings.

Modern syntax (markings.md §2–3): class part, then categories separated by ``//`` in the
order SCI, SAP, AEA, FGI, dissemination, non-IC; values inside a category separated by ``/``.
Legacy cable syntax (§3, [EMP]): a single ``/`` or a space after the level (``(S/NF)``,
``(C/REL GERMANY)``, ``(SBU)``, ``(C - ENTIRE TEXT)``); it is accepted and canonicalized.

Each syntax finding is flagged *fixable* when the canonical rendering of the parsed label is
exactly what the writer meant (ordering, separators, a country name for its trigraph); only
then does the checker offer that rendering as a suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from bcm.markings import countries
from bcm.markings.classpart import (
    ClassPart,
    level_suffix,
    match_us_level,
    parse_foreign,
    split_spaced_level,
)
from bcm.markings.levels import Level
from bcm.markings.model import Aea, Problem
from bcm.markings.vocab import (
    AEA_ALIASES,
    DISSEM_ALIASES,
    DISSEM_ORDER,
    NON_IC_ALIASES,
    NON_IC_ORDER,
    NON_US_ORDER,
    SCI_ALIASES,
    SCI_ORDER,
)

# Category ranks in banner order (markings.md §2; NATO qualifiers directly after the class).
NON_US, SCI, SAP, AEA, FGI, DISSEM, NON_IC = range(7)
_CATEGORY_NAMES = (
    "NATO qualifier",
    "SCI",
    "SAP",
    "atomic energy",
    "FGI",
    "dissemination",
    "non-IC",
)

_AEA = re.compile(
    r"(RD|FRD|RESTRICTED DATA|FORMERLY RESTRICTED DATA)(?:-(N|CNWDI))?(?:-(?:SIGMA|SG) ?([0-9 ]+))?"
)
_SCI_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9_ ]*(?:-[A-Z0-9][A-Z0-9_ ]*)*")
_SAP_PREFIXES = ("SAR-", "SPECIAL ACCESS REQUIRED-")
_ENTIRE_TEXT = re.compile(r"\s*-?\s*ENTIRE TEXT\.?$")


@dataclass(slots=True)
class Draft:
    """What a marking says, accumulated while parsing; ``label_fields`` builds the Label."""

    klass: ClassPart
    portion: bool
    legacy: bool = False
    non_us: list[str] = field(default_factory=list)
    sci: list[str] = field(default_factory=list)
    sap: list[str] = field(default_factory=list)
    hvsaco: bool = False
    aea: list[Aea] = field(default_factory=list)
    fgi: list[str] = field(default_factory=list)
    fgi_concealed: bool = False
    dissem: list[str] = field(default_factory=list)
    rel_to: list[str] = field(default_factory=list)
    display_only: list[str] = field(default_factory=list)
    non_ic: list[str] = field(default_factory=list)
    accm: list[str] = field(default_factory=list)
    findings: list[tuple[Problem, bool]] = field(default_factory=list)
    rel_at: int = -1  # where REL TO was written among ``dissem`` (it is stored apart)

    def add(self, rule: str, message: str, *, fixable: bool) -> None:
        self.findings.append((Problem(rule, message), fixable))


def normalize(text: str) -> str:
    """Upper case, one space between words, no space around separators."""
    text = " ".join(text.upper().split())
    if " /" in text or "/ " in text:
        text = _AROUND_SLASHES.sub(r"\1", text)
    if "," in text:
        text = _AROUND_COMMAS.sub(", ", text)
    return text


_AROUND_SLASHES = re.compile(r"\s*(/+)\s*")
_AROUND_COMMAS = re.compile(r"\s*,\s*")


def parse_draft(text: str, owner: str = "USA") -> Draft | Problem:
    """Parse ``text``; a Problem when not even the class part can be read."""
    raw = normalize(text)
    portion = raw.startswith("(") and raw.endswith(")")
    inner = raw[1:-1].strip() if portion else raw
    legacy = False
    if _ENTIRE_TEXT.search(inner):
        inner, legacy = _ENTIRE_TEXT.sub("", inner), True
    if not inner:
        return Problem("empty", "the marking is empty")
    if "(" in inner or ")" in inner:
        return Problem("parentheses", "a portion mark is written in one pair of parentheses")
    inner = split_spaced_level(inner)
    draft = _class_part(inner, portion, owner)
    if isinstance(draft, Problem):
        return draft
    draft.legacy = draft.legacy or legacy
    return draft


_LOU = re.compile(r"^(?:LOU|LIMITED OFFICIAL USE)(?=$|[/ -])")


def _class_part(inner: str, portion: bool, owner: str) -> Draft | Problem:
    if inner.startswith("//"):
        head, _, tail = inner[2:].partition("//")
        klass = parse_foreign(head)
        if klass is None:
            return _unknown_level(head)
        draft = Draft(klass, portion)
        _modern(draft, tail)
        return draft
    if inner.startswith(("LOU", "LIMITED")):
        # LIMITED OFFICIAL USE: State's unclassified caveat before SBU replaced it (1995).
        inner = _LOU.sub("SBU", inner, count=1)
    if inner.startswith("SBU"):
        return _sbu(inner, portion, owner)
    found = match_us_level(inner)
    if found is None:
        return _unslashed_foreign(inner, portion)
    level, end = found
    draft = Draft(ClassPart(level, owner), portion)
    rest = inner[end:]
    if rest.startswith("//"):
        _modern(draft, rest[2:])
    elif rest:
        draft.legacy = True
        _legacy(draft, rest.lstrip("/ -"))
    return draft


def _sbu(inner: str, portion: bool, owner: str) -> Draft | Problem:
    """``(SBU)``, ``(SBU/NF)``, ``(SBU NOFORN)``: State's unclassified caveat used as a level."""
    if inner != "SBU" and inner[3] not in "/ -":
        return _unknown_level(inner)
    draft = Draft(ClassPart(Level.U, owner), portion, legacy=True, non_ic=["SBU"])
    _legacy(draft, inner[3:].lstrip("/ -"))
    return draft


def _unslashed_foreign(inner: str, portion: bool) -> Draft | Problem:
    """``NATO SECRET`` or ``CAN RESTRICTED`` written without the leading ``//``."""
    head, _, tail = inner.partition("//")
    klass = parse_foreign(head) if level_suffix(head) or " " not in head else None
    if klass is None:
        return _unknown_level(head)
    draft = Draft(klass, portion)
    draft.add(
        "foreign-class-needs-slashes",
        "a non-U.S. or JOINT class part starts with // (markings.md §2)",
        fixable=True,
    )
    _modern(draft, tail)
    return draft


def _unknown_level(text: str) -> Problem:
    word = text.split("/")[0] or text
    return Problem(
        "unknown-level",
        f"{word!r} is not a classification (expected e.g. SECRET, S, //NATO SECRET)",
    )


# --- modern categories ------------------------------------------------------------------


def _modern(draft: Draft, tail: str) -> None:
    if not tail:
        return
    last = -1
    for segment in tail.split("//"):
        if not segment:
            draft.add("empty-segment", "the marking has an empty // segment", fixable=True)
            continue
        rank = _segment(draft, segment)
        if rank == last:
            draft.add(
                "category-repeated",
                f"{_CATEGORY_NAMES[rank]} controls belong in one // segment",
                fixable=True,
            )
        elif rank < last:
            draft.add(
                "category-order",
                "categories must follow the order SCI, SAP, atomic energy, FGI, "
                "dissemination, non-IC (markings.md §2)",
                fixable=True,
            )
        last = max(last, rank)
    _check_value_order(draft)


def _segment(draft: Draft, segment: str) -> int:
    """Read one ``//`` segment; returns the rank of its category (from its first value)."""
    values = segment.split("/")
    rank = -1
    for value in values:
        if not value:
            draft.add("empty-segment", "the marking has an empty / value", fixable=True)
            continue
        value_rank = _value(draft, value, rank)
        if rank == -1:
            rank = value_rank
        elif value_rank != rank:
            draft.add(
                "separator",
                f"{value} belongs to another category: separate categories with //",
                fixable=True,
            )
    return max(rank, 0)


def _value(draft: Draft, value: str, segment_rank: int) -> int:
    """Classify and record one value; returns its category rank."""
    if value in DISSEM_ALIASES:
        draft.dissem.append(DISSEM_ALIASES[value])
        return DISSEM
    if value.startswith(("REL TO", "REL ")) or value == "REL":
        _rel_to(draft, value)
        return DISSEM
    if value.startswith("DISPLAY ONLY"):
        _display_only(draft, value[len("DISPLAY ONLY") :])
        return DISSEM
    if value in NON_IC_ALIASES:
        draft.non_ic.append(NON_IC_ALIASES[value])
        return NON_IC
    if value.startswith("ACCM-") or (segment_rank == NON_IC and draft.accm):
        draft.accm.append(value.removeprefix("ACCM-"))
        return NON_IC
    return _value_rest(draft, value, segment_rank)


def _value_rest(draft: Draft, value: str, segment_rank: int) -> int:
    if value == "HVSACO":
        draft.hvsaco = True
        return SAP
    if value.startswith(_SAP_PREFIXES) or (segment_rank == SAP and draft.sap):
        program = value.split("-", 1)[1] if value.startswith(_SAP_PREFIXES) else value
        draft.sap.append(program)
        return SAP
    if value == "FGI" or value.startswith("FGI "):
        _fgi(draft, value[3:])
        return FGI
    if value in NON_US_ORDER:
        draft.non_us.append(value)
        return NON_US
    aea = _aea(value)
    if aea is not None:
        draft.aea.append(aea)
        return AEA
    if _SCI_TOKEN.fullmatch(value) and segment_rank in (-1, SCI):
        draft.sci.append(value)
        return SCI
    draft.add("unknown-token", f"{value!r} is not a known marking", fixable=False)
    return max(segment_rank, 0)


def _aea(value: str) -> Aea | None:
    if value in AEA_ALIASES and value not in ("RD", "FRD", "RESTRICTED DATA"):
        return Aea(AEA_ALIASES[value])
    m = _AEA.fullmatch(value)
    if m is None:
        return None
    sigmas = tuple(sorted({int(n) for n in m.group(3).split()})) if m.group(3) else ()
    return Aea(AEA_ALIASES[m.group(1)], cnwdi=m.group(2) is not None, sigmas=sigmas)


def _rel_to(draft: Draft, value: str) -> None:
    if value == "REL":
        draft.add(
            "rel-needs-list",
            "REL without a country list is only valid under a banner with the same list",
            fixable=False,
        )
        return
    if value.startswith("REL TO"):
        if draft.rel_at < 0:
            draft.rel_at = len(draft.dissem)
        body = value[len("REL TO") :]
        codes, findings = countries.parse_modern(body, "REL TO")
        draft.findings += findings
        if codes and codes[0] != "USA":  # ISM-ID-00214
            draft.add("rel-to-usa-first", "REL TO must list USA first", fixable=True)
        else:  # ISM-ID-00041
            draft.findings += countries.order_problems(codes, "REL TO", "rel-to-order")
    else:  # `REL ISAF`, `REL NATO`: cable shorthand, USA implied (markings.md §3)
        draft.legacy = True
        codes, findings = countries.parse_legacy(value[len("REL ") :])
        draft.findings += findings
    draft.rel_to += codes


def _display_only(draft: Draft, body: str) -> None:
    codes, findings = countries.parse_modern(body, "DISPLAY ONLY")
    draft.findings += findings
    draft.findings += countries.order_problems(codes, "DISPLAY ONLY", "display-only-order")
    draft.display_only += codes
    draft.dissem.append("DISPLAY ONLY")


def _fgi(draft: Draft, body: str) -> None:
    if not body.strip():
        draft.fgi_concealed = True
        return
    codes, findings = countries.parse_modern(body, "FGI")
    draft.findings += findings
    draft.findings += countries.order_problems(codes, "FGI", "fgi-order")
    draft.fgi += codes


def _check_value_order(draft: Draft) -> None:
    """Values inside dissemination and non-IC follow CVE order (ISM ValuesOrderedAccordingToCve)."""
    written = [_DISSEM_RANK[v] for v in draft.dissem]
    if draft.rel_at >= 0:
        written.insert(draft.rel_at, _DISSEM_RANK["REL TO"])
    if not _increasing(written):
        draft.add(
            "dissem-order",
            "dissemination controls must be in the order RSEN, FOUO, ORCON, IMCON, NOFORN, "
            "PROPIN, REL TO, RELIDO, DEA SENSITIVE, FISA, DISPLAY ONLY",
            fixable=True,
        )
    if not _increasing([_NON_IC_RANK[v] for v in draft.non_ic]):
        draft.add("non-ic-order", "non-IC controls must be in the order LIMDIS, EXDIS, NODIS, "
                  "SBU, SBU NOFORN, LES, LES NOFORN, SSI, ACCM, NNPI", fixable=True)  # fmt: skip


def _increasing(ranks: list[int]) -> bool:
    return all(a < b for a, b in pairwise(ranks))


_DISSEM_RANK = {value: rank for rank, value in enumerate(DISSEM_ORDER)}
_NON_IC_RANK = {value: rank for rank, value in enumerate(NON_IC_ORDER)}


# --- legacy cable syntax ----------------------------------------------------------------


def _legacy(draft: Draft, body: str) -> None:
    """``NF``, ``REL GERMANY``, ``NOFORN/EXDIS``... after a single slash; any order."""
    for piece in re.split(r"/+", body):
        if not piece:
            continue
        if piece in DISSEM_ALIASES:
            draft.dissem.append(DISSEM_ALIASES[piece])
        elif piece in NON_IC_ALIASES:
            draft.non_ic.append(NON_IC_ALIASES[piece])
        elif piece.startswith(("REL TO ", "REL ")):
            codes, findings = countries.parse_legacy(piece.removeprefix("REL ").removeprefix("TO "))
            draft.rel_to += codes
            draft.findings += findings
        elif _legacy_sci(piece):
            draft.sci.append(SCI_ALIASES.get(piece, piece))
        elif not _legacy_words(draft, piece):
            draft.add("unknown-token", f"{piece!r} is not a known marking", fixable=False)
    _fold_unclassified_noforn(draft)


def _legacy_sci(piece: str) -> bool:
    """``(TS/SI)``, ``(S/TK/NF)``, ``(TS/SI-G/OC/NF)``: a published SCI control system (§5),
    possibly with compartments, after a single slash. Unknown names stay unknown here: in a
    legacy mark they are more likely a typo than an unpublished system."""
    system = piece.split("-", 1)[0]
    return (system in SCI_ORDER or piece in SCI_ALIASES) and _SCI_TOKEN.fullmatch(piece) is not None


def _legacy_words(draft: Draft, piece: str) -> bool:
    """``C NF``-style pieces: every space-separated word a known control."""
    words = piece.split(" ")
    if not all(w in DISSEM_ALIASES or w in NON_IC_ALIASES for w in words):
        return False
    for word in words:
        if word in DISSEM_ALIASES:
            draft.dissem.append(DISSEM_ALIASES[word])
        else:
            draft.non_ic.append(NON_IC_ALIASES[word])
    return True


def _fold_unclassified_noforn(draft: Draft) -> None:
    """``(SBU/NF)`` is SBU NOFORN, ``(LES/NF)`` LES NOFORN (ISM CVEnumISMNonIC tokens)."""
    if "NOFORN" not in draft.dissem:
        return
    for plain, combined in (("SBU", "SBU NOFORN"), ("LES", "LES NOFORN")):
        if plain in draft.non_ic:
            draft.non_ic = [combined if v == plain else v for v in draft.non_ic]
            draft.dissem = [v for v in draft.dissem if v != "NOFORN"]

"""The one bridge from telegram text to the marking core (``bcm.markings``).

Telegram code never applies marking rules itself: it extracts the mark text, maps telegram
captions to marking tokens (cable-format knowledge, reference §3.2) and asks the marking core
to parse, canonicalise and roll up. Results are cached per distinct mark: a thousand telegrams
carry a few dozen distinct marks.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bcm.errors import MarkingError
from bcm.markings import Label, parse_label, render_banner, render_portion, rollup

# Captions that are dissemination controls (IC) or State distribution controls (non-IC).
DISSEM_CAPTIONS: tuple[str, ...] = ("NOFORN", "ORCON")
NON_IC_CAPTIONS: tuple[str, ...] = ("LIMDIS", "EXDIS", "NODIS")
SBU_CAPTION = "SENSITIVE"


@lru_cache(maxsize=4096)
def portion_of(mark: str) -> str | None:
    """Canonical portion (without parentheses) of a mark written ``(S/NF)``; None if not one."""
    try:
        return render_portion(parse_label(mark))[1:-1]
    except MarkingError:
        return None


@lru_cache(maxsize=4096)
def portion_label(portion: str) -> Label:
    """The Label of a canonical portion string such as ``S//NF``; raises MarkingError."""
    return parse_label(f"({portion})")


@lru_cache(maxsize=1024)
def banner_label(banner: str) -> Label:
    """The Label of a banner such as ``SECRET//NOFORN``; raises MarkingError."""
    return parse_label(banner)


@lru_cache(maxsize=1024)
def _declared(level: str, dissem: tuple[str, ...], non_ic: tuple[str, ...]) -> str | None:
    parts = [level, "/".join(dissem), "/".join(non_ic)]
    text = "//".join(part for part in parts if part)
    try:
        return render_banner(parse_label(text))
    except MarkingError:
        try:
            return render_banner(parse_label(level))
        except MarkingError:
            return None


def declared_banner(level: str | None, captions: Iterable[str]) -> str | None:
    """The message's own marking: classification line plus dissemination captions.

    ``UNCLAS`` + ``SENSITIVE`` is ``UNCLASSIFIED//SBU``; a SENSITIVE caption on a classified
    telegram does not enter the banner (its SBU portions are below the classification).
    """
    if level is None:
        return None
    words = {word for caption in captions for word in caption.split()}
    dissem = tuple(token for token in DISSEM_CAPTIONS if token in words)
    non_ic = tuple(token for token in NON_IC_CAPTIONS if token in words)
    if level == "UNCLASSIFIED" and SBU_CAPTION in words:
        non_ic = (*non_ic, "SBU")
    return _declared(level, dissem, non_ic)


def rollup_banner(portions: Iterable[str | None]) -> str | None:
    """The banner derived from the portion marks (None when nothing is marked)."""
    # The roll-up of a set of portions: each distinct mark once, in first-seen order.
    distinct = tuple(dict.fromkeys(portion for portion in portions if portion is not None))
    return _rollup_distinct(distinct) if distinct else None


@lru_cache(maxsize=1024)
def _rollup_distinct(portions: tuple[str, ...]) -> str:
    return render_banner(rollup([portion_label(portion) for portion in portions]))

"""The class part of a marking: the level and whose it is (markings.md §1–3).

``SECRET`` / ``S`` (U.S.), ``//DEU SECRET`` / ``//DEU S`` (a foreign nation's),
``//NATO SECRET`` / ``//NS`` / ``//COSMIC TOP SECRET`` / ``//CTS`` (NATO), and
``//JOINT SECRET CAN USA`` / ``//JOINT S CAN USA`` (co-owned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bcm.markings.levels import LEVEL_WORDS, Level
from bcm.markings.vocab import is_country_code


@dataclass(frozen=True, slots=True)
class ClassPart:
    """The parsed class part; ``cosmic`` records that the COSMIC word was written."""

    level: Level
    owner: str = "USA"
    joint: tuple[str, ...] = ()
    non_us: tuple[str, ...] = ()
    cosmic: bool = False
    nato_word: bool = False


# NATO portion abbreviations, with the ATOMAL/BOHEMIA/BALK qualifiers some systems fold in
# (codice translator table: NCA, NSAT, CTSA, CTS-B, CTS-BALK; markings.md §3 `(//NS-A)`).
_NATO_PORTION: dict[str, tuple[Level, tuple[str, ...]]] = {
    "NU": (Level.U, ()), "NR": (Level.R, ()), "NC": (Level.C, ()), "NS": (Level.S, ()),
    "CTS": (Level.TS, ()), "NCA": (Level.C, ("ATOMAL",)), "NC-A": (Level.C, ("ATOMAL",)),
    "NSAT": (Level.S, ("ATOMAL",)), "NS-A": (Level.S, ("ATOMAL",)),
    "CTSA": (Level.TS, ("ATOMAL",)), "CTS-A": (Level.TS, ("ATOMAL",)),
    "CTS-B": (Level.TS, ("BOHEMIA",)), "CTS-BALK": (Level.TS, ("BALK",)),
}  # fmt: skip

_US_LEVEL = re.compile(
    r"(TOP SECRET|CONFIDENTIAL|UNCLASSIFIED|UNCLAS|SECRET|RESTRICTED|TS|S|C|U|R)"
)
_LEVEL_TAIL = re.compile(r"(TOP SECRET|CONFIDENTIAL|UNCLASSIFIED|SECRET|RESTRICTED|TS|S|C|U|R)$")


def match_us_level(text: str) -> tuple[Level, int] | None:
    """A U.S. level word or abbreviation at the start of ``text``: (level, length)."""
    m = _US_LEVEL.match(text)
    if m is None:
        return None
    end = m.end()
    if end < len(text) and text[end] not in "/ -":
        return None
    return LEVEL_WORDS[m.group(1)], end


def parse_foreign(segment: str) -> ClassPart | None:
    """The class part written after a leading ``//`` (or None when it is not one)."""
    if segment in _NATO_PORTION:
        nato_level, non_us = _NATO_PORTION[segment]
        return ClassPart(nato_level, "NATO", non_us=non_us, cosmic=segment.startswith("CTS"))
    head, _, rest = segment.partition(" ")
    if head == "JOINT":
        return _parse_joint(rest)
    level = LEVEL_WORDS.get(rest)
    if level is None or rest == "UNCLAS":
        return None
    if head == "COSMIC":
        return ClassPart(level, "NATO", cosmic=True)
    if head == "NATO":
        return ClassPart(level, "NATO", nato_word=True)
    if len(head) in (3, 4) and head != "USA" and is_country_code(head):
        return ClassPart(level, head)
    return None


def _parse_joint(rest: str) -> ClassPart | None:
    """``SECRET CAN GBR USA`` after JOINT: a level, then two or more owners."""
    words = rest.split(" ")
    for size in (2, 1):
        level = LEVEL_WORDS.get(" ".join(words[:size]))
        if level is not None and len(words) > size:
            owners = words[size:]
            if all(is_country_code(code) for code in owners):
                # JOINT owners are space separated and sorted (markings.md §2); codice accepts
                # any order (`//JOINT S USA CAN`), so the order is canonicalized, not enforced.
                joint = tuple(sorted(set(owners), key=joint_key))
                return ClassPart(level, "JOINT", joint=joint)
    return None


def split_spaced_level(text: str) -> str:
    """``S E C R E T`` (cable classification line) -> ``SECRET``."""
    m = re.match(r"((?:[A-Z] ){4,}[A-Z])(?=$|[ /])", text)
    if m is None:
        return text
    return m.group(1).replace(" ", "") + text[m.end() :]


def level_suffix(text: str) -> bool:
    """True when ``text`` ends with a level word (used to spot a foreign class part)."""
    return _LEVEL_TAIL.search(text) is not None


def joint_key(code: str) -> tuple[int, str]:
    """JOINT owners: trigraphs alphabetically (USA among them), then tetragraphs."""
    return (len(code), code)

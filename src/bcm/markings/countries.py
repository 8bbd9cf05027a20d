"""Country lists: REL TO, DISPLAY ONLY and FGI (markings.md §2, §4, §6.5).

Modern lists are strict: known codes, `, ` separated (a plain space is tolerated, as in ISM
attributes and codice's `REL TO USA CAN`), USA first then trigraphs then tetragraphs, each
alphabetical. Legacy cable lists (`REL GERMANY`, `REL UK AND FRANCE`) take country names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bcm.markings.model import Problem
from bcm.markings.vocab import country_key, country_names, expanded_groups, is_country_code

_SPLIT = re.compile(r"\s*,\s*|\s+AND\s+")


def canonical_countries(codes: Iterable[str]) -> tuple[str, ...]:
    """Sorted, deduplicated, and without members already covered by a listed FVEY/ACGU/TEYE.

    Dropping covered members keeps one canonical spelling per meaning (`USA, GBR, FVEY` is
    `USA, FVEY`), which makes dominance antisymmetric on canonical labels.
    """
    unique = set(codes)
    if not unique:
        return ()
    groups = expanded_groups()
    covered: set[str] = set()
    for code in unique:
        covered |= groups.get(code, frozenset())
    kept = {code for code in unique if code == "USA" or code not in covered}
    return tuple(sorted(kept, key=country_key))


def parse_modern(text: str, what: str) -> tuple[list[str], list[tuple[Problem, bool]]]:
    """Codes of a modern list and its problems, each flagged fixable or not."""
    codes: list[str] = []
    problems: list[tuple[Problem, bool]] = []
    for item in _SPLIT.split(text.strip()):
        for code in item.split(" ") if is_codes(item) else [item]:
            if is_country_code(code):
                codes.append(code)
            elif code in country_names():
                codes.append(country_names()[code])
                problems.append((_unknown(code, what, country_names()[code]), True))
            else:
                problems.append((_unknown(code, what, None), False))
    return codes, problems


def is_codes(item: str) -> bool:
    """``USA CAN`` (space separated codes) rather than one name such as ``NEW ZEALAND``."""
    return all(is_country_code(word) for word in item.split(" "))


def parse_legacy(text: str) -> tuple[list[str], list[tuple[Problem, bool]]]:
    """A free-form cable REL list: codes or country names, any order."""
    codes: list[str] = []
    problems: list[tuple[Problem, bool]] = []
    names = country_names()
    for item in _SPLIT.split(text.strip()):
        if item in names:
            codes.append(names[item])
        elif is_codes(item):
            codes.extend(item.split(" "))
        else:
            problems.append((_unknown(item, "REL", None), False))
    return codes, problems


def order_problems(codes: list[str], what: str, rule: str) -> list[tuple[Problem, bool]]:
    """Order and duplicate findings of a list as written (ISM-ID-00041, -00167; codice 9.d)."""
    if codes == sorted(set(codes), key=country_key):
        return []
    if len(set(codes)) != len(codes):
        return [(Problem("duplicate-country", f"{what} lists a country twice"), True)]
    message = f"{what} countries must be in order: trigraphs alphabetically, then tetragraphs"
    if what == "REL TO":
        message = "REL TO must list USA first, then trigraphs, then tetragraphs, alphabetically"
    return [(Problem(rule, message), True)]


def _unknown(code: str, what: str, trigraph: str | None) -> Problem:
    if trigraph:
        return Problem("country-name", f"{what} uses the country name {code}; write {trigraph}")
    return Problem("unknown-country", f"{code} is not a known country or group code in {what}")

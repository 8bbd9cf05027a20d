"""Telegram identifiers: two-digit year + origin short name + number (``09TOKYO445``).

Posts abbreviate and misspell their own names; the alias table maps the variants seen in
cablegate (cablemap's canonicalisation vectors) to the name cablegate files the cable under.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Variant (letters only, upper case) -> canonical origin name. Data, not logic.
POST_ALIASES: dict[str, str] = {
    "RIO": "RIODEJANEIRO",
    "RIODEJAN": "RIODEJANEIRO",
    "RIODEJANIERO": "RIODEJANEIRO",
    "RIODEJANERIO": "RIODEJANEIRO",
    "PARISFR": "UNESCOPARISFR",
    "USUNESCOPARISFR": "UNESCOPARISFR",
    "USUNESCOPARIS": "UNESCOPARISFR",
    "UNESCOPARIS": "UNESCOPARISFR",
    "UNVIE": "UNVIEVIENNA",
    "SECSTATE": "STATE",
    "SECTSTATE": "STATE",
    "SECTATE": "STATE",
    "PAUP": "PORTAUPRINCE",
    "PAP": "PORTAUPRINCE",
    "PORTA": "PORTAUPRINCE",
    "PORTAUPR": "PORTAUPRINCE",
    "SANJSE": "SANJOSE",
    "USEU": "USEUBRUSSELS",
    "USEUBRUSEELS": "USEUBRUSSELS",
    "USUN": "USUNNEWYORK",
    "USUNNY": "USUNNEWYORK",
    "USUNNEYORK": "USUNNEWYORK",
    "USUNNEYWORK": "USUNNEWYORK",
    "HALIF": "HALIFAX",
    "KUALALUMP": "KUALALUMPUR",
    "BKK": "BANGKOK",
    "PANANA": "PANAMA",
    "PANAM": "PANAMA",
    "WELLINGOTN": "WELLINGTON",
    "WELLLINGTON": "WELLINGTON",
    "MADRIDSP": "MADRID",
    "KINSTON": "KINGSTON",
    "BISHTEK": "BISHKEK",
    "VAT": "VATICAN",
    "VATICA": "VATICAN",
    "SAOPAUO": "SAOPAULO",
    "SAOPAUL": "SAOPAULO",
    "SCOPAULO": "SAOPAULO",
    "HAGUE": "THEHAGUE",
    "PHNOMPEN": "PHNOMPENH",
    "TRIPOLII": "TRIPOLI",
    "BRASILA": "BRASILIA",
    "BRASIIA": "BRASILIA",
    "BRAZIL": "BRASILIA",
    "BRAZILIA": "BRASILIA",
    "MEXICOCITY": "MEXICO",
    "BA": "BUENOSAIRES",
    "USDA": "USDAFAS",
    "CDCATLANTA": "CDCATLANTAGA",
    "USCUSTOMSA": "USCBP",
    "USDOCWASHDC": "USDOC",
    "SECDEFWASH": "SECDEF",
    "BEIJINJG": "BEIJING",
    "TAIPEI": "AITTAIPEI",
    "HCMC": "HOCHIMINHCITY",
    "HOCHIMINH": "HOCHIMINHCITY",
    "HK": "HONGKONG",
    "COLOMOBO": "COLOMBO",
}

_NOT_LETTER = re.compile(r"[^A-Z0-9]")
_ZERO_IN_WORD = re.compile(r"(?<=[A-Z])0|0(?=[A-Z])")
_EMBASSY = re.compile(r"^(?:AM)?EMBASSY")
_SECTION = re.compile(r"^S?ECTION\d+OF\d+")
_ID = re.compile(r"^(\d{2})([A-Z0-9-]+?)(\d+)$")


@lru_cache(maxsize=4096)  # a corpus names a few hundred posts, over and over
def canonical_post(name: str) -> str:
    """The canonical origin short name: letters only, known variants resolved."""
    key = _NOT_LETTER.sub("", name.upper())
    key = _SECTION.sub("", key)  # "08ECTION01OF02MANAMA492": a section line run into the id
    key = _ZERO_IN_WORD.sub("O", key)  # "0TTAWA", "SANTIAG0": a zero typed for an O
    if key.startswith(("EMBASSY", "AMEMBASSY")) and len(key) > len("AMEMBASSY"):
        key = _EMBASSY.sub("", key)
    return POST_ALIASES.get(key, key)


def telegram_id(year: int, post: str, number: int) -> str:
    """``09TOKYO445`` from the year (any form; two digits kept), post and number."""
    return f"{year % 100:02d}{canonical_post(post)}{number}"


def canonical_id(reference_id: str) -> str:
    """Canonicalise a written telegram id (``05RIODEJAN123`` -> ``05RIODEJANEIRO123``)."""
    match = _ID.match(_NOT_LETTER.sub("", reference_id.upper().replace("-", "")))
    if match is None:
        return reference_id
    year, post, number = match.groups()
    return telegram_id(int(year), post, int(number))


def century_year(two_digits: int) -> int:
    """Two-digit years 50-99 are 19xx, the rest 20xx (the issue's rule)."""
    return 1900 + two_digits if two_digits >= 50 else 2000 + two_digits

"""English and Japanese interface text: message catalogs (``messages/<lang>.json``) and the
person's choice of language.

The choice is made on the profile page, remembered for the person (``auth_accounts.language``)
and carried by a cookie that sign-in sets from it and sign-out clears, so a shared browser
never passes one person's choice to the next; with no choice, the browser's
``Accept-Language`` decides, then English. Every key exists in every catalog (a test checks
it), so a missing translation is a test failure, not a blank on screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from starlette.requests import Request

LANGUAGES = ("en", "ja")
DEFAULT = "en"
COOKIE = "bcm_lang"
CATALOGS = Path(__file__).parent / "messages"


@cache
def catalog(language: str) -> dict[str, str]:
    """The messages of ``language`` by key."""
    text = (CATALOGS / f"{language}.json").read_text(encoding="utf-8")
    messages: dict[str, str] = json.loads(text)
    return messages


def translator(language: str) -> Callable[..., str]:
    """``t(key, **values)``: the message in ``language`` (English when missing), formatted."""
    messages = catalog(language)
    fallback = catalog(DEFAULT)

    def t(key: str, **values: object) -> str:
        text = messages.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return t


def language_of(request: Request) -> str:
    """The reader's language: their choice, else their browser's, else English."""
    chosen = request.cookies.get(COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    accepted = request.headers.get("accept-language", "")
    for part in accepted.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT

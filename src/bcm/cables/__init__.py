"""Formal messages (telegrams, "cables"): parse, render, per-reader views and lint.

Pure: the standard library and ``bcm.markings`` only; no I/O. Everything about labels (portion
marks, banners, roll-up, the per-reader decision) is asked of the marking core.

    parse(text) -> Telegram          tolerant; what it cannot read becomes a warning
    render(telegram) -> str          canonical telegram text; parse(render(m)) == m
    to_json / from_json              the ``bcm cable parse --json`` shape
    view(telegram, clearance)        what one reader may see; render_view(...) -> str
    lint(telegram) -> list[str]      the consistency checks of cable-format.md §4
"""

from __future__ import annotations

from bcm.cables.derive import banner, message_id, rollup
from bcm.cables.fields import declassification_date
from bcm.cables.jsonform import from_json, to_json
from bcm.cables.lint import lint
from bcm.cables.model import Addressee, Header, Paragraph, Reference, Telegram
from bcm.cables.parser import parse
from bcm.cables.posts import canonical_id, telegram_id
from bcm.cables.render import render
from bcm.cables.view import TelegramView, ViewPart, render_view, view

__all__ = [
    "Addressee",
    "Header",
    "Paragraph",
    "Reference",
    "Telegram",
    "TelegramView",
    "ViewPart",
    "banner",
    "canonical_id",
    "declassification_date",
    "from_json",
    "lint",
    "message_id",
    "parse",
    "render",
    "render_view",
    "rollup",
    "telegram_id",
    "to_json",
    "view",
]

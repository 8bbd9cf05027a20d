"""Values that follow from a telegram's fields: its id, declared banner and roll-up."""

from __future__ import annotations

from bcm.cables.marks import declared_banner, rollup_banner
from bcm.cables.model import Telegram
from bcm.cables.posts import telegram_id


def message_id(message: Telegram) -> str | None:
    """``09TOKYO445``: year of the date-time group, post and number of the classification line."""
    if message.datetime is None or message.post is None or message.number is None:
        return None
    return telegram_id(message.datetime.year, message.post, message.number)


def banner(message: Telegram) -> str | None:
    """The message's own marking: its classification line and dissemination captions."""
    return declared_banner(message.classification, message.captions)


def portions(message: Telegram) -> list[str]:
    """Every portion mark of the message: the subject's, then each paragraph's."""
    marks = [message.subject_portion] + [p.portion for p in message.paragraphs]
    return [mark for mark in marks if mark is not None]


def rollup(message: Telegram) -> str | None:
    """The banner derived from the portion marks (None when nothing is marked)."""
    return rollup_banner(portions(message))

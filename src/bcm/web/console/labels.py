"""The label picker's choices and the page banner: which labels an author may write in a body,
and the roll-up of what a page shows, with its conventional color.

The rules stay where they are: the ceiling check is the services' own
``check_within_ceiling`` (the one ``items.post_item`` applies) and the author's right to write
a label is the access policy's ``decide(subject, POST, ...)`` (you may write only what you
could read). This module only proposes candidates and asks them, so the picker and the post
can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bcm import markings
from bcm.domain.model import Body
from bcm.domain.policy import Action, Resource, Subject, decide, label_of
from bcm.errors import InvalidInput, MarkingError
from bcm.services.labels import check_within_ceiling

# Labels a picker proposes (the body's ceiling is always proposed too). Common banners of the
# seed's traffic; anything else can still be posted through the API.
CANDIDATES = (
    "UNCLASSIFIED",
    "UNCLASSIFIED//FOUO",
    "CONFIDENTIAL//REL TO USA, JPN",
    "CONFIDENTIAL//NOFORN",
    "CONFIDENTIAL",
    "SECRET//REL TO USA, JPN",
    "SECRET//NOFORN",
    "SECRET",
    "TOP SECRET//REL TO USA, JPN",
    "TOP SECRET//NOFORN",
    "TOP SECRET//SI//NOFORN",
)


@dataclass(frozen=True, slots=True)
class Choice:
    """One label the author may use: its banner and its portion mark."""

    banner: str
    portion: str


def labels_for(subject: Subject, body: Body) -> list[Choice]:
    """The labels ``subject`` may write in ``body``: within its ceiling and allowed by the
    access policy for posting, lowest level first."""
    seen: dict[str, markings.Label] = {}
    for text in (*CANDIDATES, body.ceiling):
        label = label_of(text)
        seen.setdefault(str(label), label)
    allowed = [
        label
        for banner, label in seen.items()
        if _within_ceiling(label, body)
        and decide(subject, Action.POST, Resource(body, banner, subject.mode)).allowed
    ]
    allowed.sort(key=lambda label: (label.level, str(label)))
    return [Choice(str(label), markings.render_portion(label)) for label in allowed]


def _within_ceiling(label: markings.Label, body: Body) -> bool:
    try:
        check_within_ceiling(label, body)
    except InvalidInput:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Banner:
    """A page's classification banner: the roll-up's text, the same in the reader's national
    terms (when they are not U.S. terms), and the color class."""

    text: str
    national: str
    color: str


def color_of(label: markings.Label) -> str:
    """The conventional banner color: UNCLASSIFIED green, CONFIDENTIAL blue, SECRET red,
    TOP SECRET orange, TOP SECRET with SCI controls yellow."""
    level = label.level
    if level >= markings.Level.TS:
        return "ts-sci" if label.sci else "ts"
    if level >= markings.Level.S:
        return "s"
    if level >= markings.Level.R:
        return "c"
    return "u"


def banner_of(labels: Iterable[str], nation: str) -> Banner:
    """The roll-up of the labels shown (UNCLASSIFIED when nothing labeled is shown)."""
    parsed = [label_of(text) for text in set(labels)]
    rolled = markings.rollup(parsed) if parsed else label_of("UNCLASSIFIED")
    return Banner(str(rolled), in_national_terms(rolled, nation), color_of(rolled))


def in_national_terms(label: markings.Label, nation: str) -> str:
    """``label`` in ``nation``'s terms, or "" for U.S. readers and nations without a table."""
    if nation == "USA":
        return ""
    try:
        return markings.national_terms(label, nation)
    except MarkingError:  # no equivalence table for this nation: the U.S. form stands alone
        return ""


def parse_shown(texts: Iterable[str], *, limit: int = 64) -> list[str]:
    """Labels a page says it shows (sent back by the page's script), canonical; anything that
    does not parse is dropped — it only ever affects that reader's own banner."""
    found: list[str] = []
    for text in list(texts)[:limit]:
        try:
            found.append(str(label_of(text)))
        except MarkingError:
            continue
    return found


LEVEL_NAMES = {
    markings.Level.U: "UNCLASSIFIED",
    markings.Level.R: "RESTRICTED",
    markings.Level.C: "CONFIDENTIAL",
    markings.Level.S: "SECRET",
    markings.Level.TS: "TOP SECRET",
}


def clearance_label(level: markings.Level) -> markings.Label:
    """A clearance level as a label, to show it in national terms (compartments are not a
    banner by themselves: the profile lists them beside the level)."""
    return label_of(LEVEL_NAMES[level])

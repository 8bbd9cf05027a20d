"""Classification levels (markings.md §1): U < R < C < S < TS; R only for foreign/NATO material."""

from __future__ import annotations

from enum import IntEnum

from bcm.errors import MarkingError


class Level(IntEnum):
    """A classification level; the integer order is the dominance order."""

    U = 0
    R = 1
    C = 2
    S = 3
    TS = 4

    @classmethod
    def parse(cls, text: str) -> Level:
        """``"SECRET"``, ``"S"``, ``"top secret"``, ``"TS"``... -> Level; MarkingError otherwise."""
        level = LEVEL_WORDS.get(" ".join(text.upper().split()))
        if level is None:
            raise MarkingError(
                text,
                [("unknown-level", f"{text!r} is not a classification level")],
                field="level",
            )
        return level

    @property
    def word(self) -> str:
        """The banner word: ``SECRET``."""
        return BANNER_WORDS[self]

    @property
    def abbreviation(self) -> str:
        """The portion-mark abbreviation: ``S``."""
        return self.name


BANNER_WORDS: dict[Level, str] = {
    Level.U: "UNCLASSIFIED",
    Level.R: "RESTRICTED",
    Level.C: "CONFIDENTIAL",
    Level.S: "SECRET",
    Level.TS: "TOP SECRET",
}

# Every spelling accepted for a level: banner words, portion abbreviations, and the cable
# classification-line form UNCLAS (markings.md §1).
LEVEL_WORDS: dict[str, Level] = {
    **{word: level for level, word in BANNER_WORDS.items()},
    **{level.name: level for level in Level},
    "UNCLAS": Level.U,
}

"""Recognisers for single lines of telegram text (reference §3): all regexes compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# --- classification line --------------------------------------------------------------------

_SPACED = re.compile(r"^((?:[A-Za-z] +){2,}[A-Za-z])(?=\s|$)\s*(.*)$")
_WORD = re.compile(
    r"^(TOP SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED|UNCLAS|LIMITED OFFICIAL USE)\b\s*(.*)$",
    re.IGNORECASE,
)
_FIRST_WORD = re.compile(r"^([A-Za-z]{6,})\b\s*(.*)$")
_TAIL = re.compile(
    r"^(?:SECTION\s+(?P<section>\d{1,2})\s+OF\s+(?P<sections>\d{1,2})\s*)?"
    r"(?:(?P<post>[A-Za-z](?:[A-Za-z .'-]*[A-Za-z.'])?)\s+(?P<number>\d{1,6}))?\s*$",
    re.IGNORECASE,
)
# Collapsed spelling -> level word of the classification line.
_LEVELS: dict[str, str] = {
    "SECRET": "SECRET",
    "CONFIDENTIAL": "CONFIDENTIAL",
    "UNCLASSIFIED": "UNCLASSIFIED",
    "UNCLAS": "UNCLASSIFIED",
    "TOPSECRET": "TOP SECRET",
    "TOP SECRET": "TOP SECRET",
    "LIMITED OFFICIAL USE": "UNCLASSIFIED",
}


@dataclass(frozen=True, slots=True)
class ClassificationLine:
    """What the first text line says: level, section, post and number."""

    level: str
    written: str  # the level as written, letters only, upper case
    section: tuple[int, int] | None
    post: str | None
    number: int | None


def _distance(a: str, b: str) -> int:
    """Levenshtein distance; only ever called on words of a dozen letters."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


@lru_cache(maxsize=8192)
def _fuzzy_level(word: str, tolerance: int) -> str | None:
    """The level a misspelt word stands for (``SECCRET``, ``CONFIDENTAL``), if any."""
    word = word.upper()
    if word in _LEVELS:
        return _LEVELS[word]
    for spelling, level in _LEVELS.items():
        if (
            " " not in spelling
            and len(spelling) >= 6
            and abs(len(spelling) - len(word)) <= tolerance
            and _distance(word, spelling) <= tolerance
        ):
            return level
    return None


def _tail(rest: str) -> tuple[tuple[int, int] | None, str | None, int | None] | None:
    match = _TAIL.match(rest)
    if match is None:
        return None
    section = (int(match["section"]), int(match["sections"])) if match["section"] else None
    post = " ".join(match["post"].upper().split()) if match["post"] else None
    number = int(match["number"]) if match["number"] else None
    return section, post, number


_HINT = re.compile(
    r"(?:[A-Za-z] [A-Za-z] |(?i:TOP SECRET|SECRET|CONFIDENTIAL|UNCLAS|LIMITED OFFICIAL)"
    r"|[A-Z]{6}.*\d\s*$)"  # a misspelt level word is only read before a post and number
)


# classification_line is None for every line this does not match (a cheap test first).
CLASSIFICATION_HINT = _HINT


def classification_line(line: str) -> ClassificationLine | None:
    """Recognise ``S E C R E T SECTION 01 OF 02 TOKYO 000445`` and its messy variants."""
    if not _HINT.match(line):
        return None
    if spaced := _SPACED.match(line):
        written = spaced[1].replace(" ", "").upper()
        level = _fuzzy_level(written, 2)
        tail = _tail(spaced[2]) if level is not None else None
        return ClassificationLine(level, written, *tail) if level and tail else None
    if word := _WORD.match(line):
        tail = _tail(word[2])
        if tail is None:
            return None
        written = " ".join(word[1].upper().split())
        return ClassificationLine(_LEVELS[written], written.replace(" ", ""), *tail)
    if (first := _FIRST_WORD.match(line)) and first[1].isupper():
        level = _fuzzy_level(first[1], 1)
        tail = _tail(first[2]) if level is not None else None
        if level is not None and tail is not None and tail[2] is not None:
            return ClassificationLine(level, first[1].upper(), *tail)
    return None


# --- captions -------------------------------------------------------------------------------

CAPTIONS: tuple[str, ...] = (
    "NOT FOR INTERNET DISTRIBUTION",
    "WEBGRAM EXCLUDED ONLY",
    "HANDLE AS SPECIAL",
    "C O R R E C T E D COPY",
    "CORRECTED COPY",
    "SIPDIS",
    "NOFORN",
    "SENSITIVE",
    "EXDIS",
    "NODIS",
    "LIMDIS",
    "STADIS",
    "AIDAC",
    "CODEL",
    "VISAS",
    "ORCON",
    "E F T O",
)
_CAPTION = re.compile(rf"(?:{'|'.join(re.escape(c) for c in CAPTIONS)})(?=\s|$)")
_CAPTION_LINE = re.compile(rf"^(?:(?:{'|'.join(re.escape(c) for c in CAPTIONS)})(?:\s+|$))+$")


_CAPTION_STARTS = frozenset(caption[:2] for caption in CAPTIONS)


def captions(line: str) -> list[str] | None:
    """The captions of a caption line (``NOFORN SIPDIS`` -> two), None for other lines."""
    if line[:2] not in _CAPTION_STARTS or not _CAPTION_LINE.match(line):
        return None
    return _CAPTION.findall(line)


# --- field labels -----------------------------------------------------------------------------

EO = re.compile(
    r"^E\s?\.?\s?O\s?\.?\s*(?:\d{3,5})?\s*:?\s*(?:DECL|N\s*/?\s*A\b|GDS|XGDS|DNG|OADR|X\d)",
    re.IGNORECASE,
)
TAGS = re.compile(
    r"^(?:TAGS?\b\s*[:;,]?|(?:TAGES|TABS|TAS|TGS|AGS)\s*[:;,])\s*(?P<value>.*)$", re.IGNORECASE
)
SUBJECT = re.compile(r"^(?:SUBJECT\b|SUBJ\b|UBJECT\s*:)\s*:?\s*(?P<value>.*)$", re.IGNORECASE)
REF = re.compile(
    r"^(?:REF\(S\)|REF(?:TEL)?S?|REFERENCES?)(?![A-Za-z])\s*[:.]?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
CLASSIFIED_BY = re.compile(
    r"^(?:\d\.\s*)?(?:\([A-Z]\)\s*)?CLASS\w*\s+BY\b\s*:?\s*(?P<value>.*)$", re.IGNORECASE
)
# The E.O. 13526 classification block (markings.md §7), when a message carries it.
DECLASSIFY_ON = re.compile(r"^Declassify\s+On\s*:\s*(?P<value>.*)$", re.IGNORECASE)
REASON = re.compile(r"^Reasons?\s*:\s*(?P<value>1\s?\.\s?[245].*)$", re.IGNORECASE)
# Every field label above starts with one of these: one cheap test before the regexes.
LABEL_HINT = re.compile(r"\s*(?:E|T|SUBJ|UBJ|REF|AGS|\d|\(|CLASS|DECLASSIFY|REASON)", re.IGNORECASE)


def _labels(*named: tuple[str, re.Pattern[str]]) -> re.Pattern[str]:
    """One regex trying each label pattern in turn; the match's ``lastgroup`` names the one
    that matched and ``NAME_value`` holds its value (each pattern is anchored at the start)."""
    alternatives = (
        f"(?P<{name}>{pattern.pattern.replace('(?P<value>', f'(?P<{name}_value>')})"
        for name, pattern in named
    )
    return re.compile("|".join(alternatives), re.IGNORECASE)


# The labels of ``_label_part`` in its order, and those of a line that starts the fields zone.
LABEL = _labels(
    ("EO", EO),
    ("DECLASSIFY", DECLASSIFY_ON),
    ("REASON", REASON),
    ("TAGS", TAGS),
    ("SUBJECT", SUBJECT),
    ("REF", REF),
    ("CLASSIFIED", CLASSIFIED_BY),
)
FIELD_LABEL = _labels(
    ("EO", EO), ("TAGS", TAGS), ("SUBJECT", SUBJECT), ("REF", REF), ("CLASSIFIED", CLASSIFIED_BY)
)

REF_ITEM = re.compile(r"^\s*(?:[A-Z](?:\.\)|[.):])|\([A-Z]\)|\[[A-Z]\]|-)\s")


def inline_parts(line: str) -> list[str]:
    """A line split before labels run into it (``... E.O. 12958: DECL: ... TAGS: ...``)."""
    lower = line[1:].lower()
    if not (  # the words of INLINE_LABEL, tested in turn (a generator costs more here)
        "tags" in lower
        or "subject" in lower
        or "ref" in lower
        or "classified by" in lower
        or "e.o" in lower
        or "e. o" in lower
        or "sensitive but" in lower
    ):
        return [line]
    return INLINE_LABEL.split(line)


INLINE_LABEL = re.compile(
    r"\s+(?=(?:TAGS|SUBJECT|REFS?|Ref\(s\)|Classified By|E\.\s?O\.\s?12\d{3})\s*:)"
    r"|(?<=[A-Z’'])(?=REF:|Classified By:)"  # "...UK PRIMEREF: A." run together
    r"|\s+(?=Sensitive but\b)",
    re.IGNORECASE,
)

# --- body ---------------------------------------------------------------------------------------

PARAGRAPH = re.compile(r"^\s*(\d{1,2})\s*\.(?!\d)\s*(.*)$")
# The same two line kinds, found in a whole text at once. Searched in "\n" + text: a pattern
# that starts with a literal newline is only tried at line starts, unlike "^" in MULTILINE
# mode, which the regex engine tries at every position (ten times slower on a telegram).
PARAGRAPH_LINE = re.compile(r"\n[^\S\n]*\d{1,2}[^\S\n]*\.(?!\d)")
RULE_LINE = re.compile(r"\n[^\S\n]*-{3,}(?:[^\S\n]+-{3,})*[^\S\n]*(?=\n|$)")
MARK = re.compile(r"^\(([^()]{1,60})\)\s*(.*)$")
ENTIRE_TEXT = re.compile(
    r"^(TOP SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED)\s*-\s*ENTIRE TEXT\b\.?\s*(.*)$", re.IGNORECASE
)
RULE = re.compile(r"^\s*-{3,}(?:\s+-{3,})*\s*$")
CONTINUATION = re.compile(r"^\s*[A-Z][A-Z .'-]*\s\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\s*$")
PAGE_HEADER = re.compile(r"^\s*PAGE\s+\d{2}\s")
LONE_LEVEL = re.compile(
    r"^\s*(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|TOP SECRET|LIMITED OFFICIAL USE"
    r"|C O N F I D E N T I A L|S E C R E T)\s*$"
)
# Lines that may follow a signature: the classification repeated, end-of-message, notes of the
# archive that published the telegram.
TRAILER = re.compile(
    r"^\s*(?:NNNN|SIPDIS|[>.#-]+|NOTE\b.*|Declassified/Released\b.*|Review \d{1,2} [A-Z]{3} \d{4}"
    r"|\d{4}[A-Z0-9]{4,} - .*|//END//)\s*$",
    re.IGNORECASE,
)
SPACED_LEVEL = re.compile(r"^\s*(?:C O N F I D E N T I A L|S E C R E T|T O P S E C R E T)\b")
SIGNATURE = re.compile(r"^[A-Za-z][A-Za-z'\-]+(?: [A-Za-z](?:[A-Za-z'\-.]*[A-Za-z'])?){0,2}$")
TRAILING_SIGNATURE = re.compile(r"^(.*[.!?\"'])\s+([A-Z][A-Z'\-]{3,})#*\s*$")
FOOTER_RULE = re.compile(r"^\s*\*{5,}")


def is_paragraph_start(line: str) -> bool:
    """``1. (C) text``; the first-character test keeps prose lines off the regex."""
    return line.lstrip()[:1].isdigit() and PARAGRAPH.match(line) is not None


def is_rule(line: str) -> bool:
    """A heading rule ``-------``."""
    return "---" in line and RULE.match(line) is not None


# Body lines that may be noise or a classification line: the only ones looked at closely.
BODY_SPECIAL_LINE = re.compile(
    r"\n[^\S\n]*(?:PAGE\s|[A-Za-z] [A-Za-z] |TOP SECRET|SECRET|CONFIDENTIAL|UNCLAS|LIMITED OFFICIAL"
    r"|[A-Z]{6,}\b[^\n]*\d[^\S\n]*(?=\n|$))"
)
PAGE_OF_LINE = re.compile(r" OF \d{3}[^\S\n]*(?=\n|$)")  # ends a continuation line


def is_noise(line: str) -> bool:
    """Page/section continuation lines and paper page headers: not part of any paragraph."""
    if " OF " in line and CONTINUATION.match(line):
        return True
    return "PAGE" in line and PAGE_HEADER.match(line) is not None

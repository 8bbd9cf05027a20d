"""Parsers for single fields of a telegram, each given the field's text without its label.

Every function here is total: odd input gives an empty or partial value, never an exception.
"""

from __future__ import annotations

import re
from datetime import date

from bcm.cables.model import ADDRESSEE_PRECEDENCES, Addressee, Reference
from bcm.cables.posts import telegram_id

_SPACES = re.compile(r"\s+")


def single_spaced(text: str) -> str:
    """``_SPACES.sub(" ", text).strip()``: ``str.split`` splits at the same white space as
    ``\\s`` (``str.isspace``), without a regex tried at every position."""
    return " ".join(text.split())


# --- addressees (FL7/FL8/FL9) -------------------------------------------------------------

_ROUTING = re.compile(r"(R[A-Z0-9]{3,7})\s*/\s*")
_PRECEDENCE_ENDINGS = tuple(" " + word for word in ADDRESSEE_PRECEDENCES)


def parse_addressee(text: str) -> Addressee | None:
    """``RUEHC/SECSTATE WASHDC IMMEDIATE 1087`` -> an Addressee; None when nothing is left.

    Read from both ends (routing indicator, then MCN and precedence word) without a
    backtracking regex: address lines are on the parser's hot path.
    """
    line = text.strip()
    if "  " in line or "\t" in line:
        line = single_spaced(line)
    routing = _ROUTING.match(line) if line[:1] == "R" else None
    if routing is not None:
        return routed_addressee(routing[1], line[routing.end() :])
    return routed_addressee(None, line)


def routed_addressee(routing_indicator: str | None, line: str) -> Addressee | None:
    """The Addressee of what follows the routing indicator (``SECSTATE WASHDC IMMEDIATE
    1087``), single-spaced and stripped at the start."""
    serial = None
    if line[-5:-4] == " " and (last := line[-4:]).isdigit():
        line, serial = line[:-5].rstrip(), last
    precedence = None
    if line.endswith(_PRECEDENCE_ENDINGS):  # the first of them that ends the line
        line, _, precedence = line.rpartition(" ")  # (every ending starts with a space)
        if precedence == "IMMEDIATE" and line.endswith(" NIACT"):
            line, precedence = line[:-6], "NIACT IMMEDIATE"
        line = line.rstrip()
    if not line:
        return None
    return Addressee(line, routing_indicator, precedence, serial)


# --- E.O. / declassification line -------------------------------------------------------------

_EO = re.compile(r"^E\.?\s*O\.?\s*(?P<order>\d{3,5})?\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_NA = re.compile(r"^N\s*/?\s*A\b\.?", re.IGNORECASE)
_DECL = re.compile(r"^(?P<label>DECL\w*)\s*:?\s*(?P<value>.*)$", re.IGNORECASE)


def parse_eo_line(text: str) -> tuple[str | None, str | None, list[str]]:
    """``E.O. 12958: DECL: 05/12/2018`` -> (order, declassify_on as written, warnings)."""
    warnings: list[str] = []
    match = _EO.match(text.strip())
    if match is None:
        return None, None, ["E.O. line not understood"]
    order, rest = match["order"], match["rest"].strip()
    if order is None:
        warnings.append("E.O. line without an order number")
    if not rest or _NA.match(rest):
        return order, None, warnings
    decl = _DECL.match(rest)
    if decl is None:
        return order, rest, warnings  # GDS 8/12/85, DNG: CO 12/31/2010, ...
    if decl["label"].upper() != "DECL":
        warnings.append(f"E.O. line: {decl['label']!r} read as DECL")
    return order, decl["value"].strip() or None, warnings


_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_YMD = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})\b")
_COMPACT_DATE = re.compile(r"^(?:\d\dX\d?[\w-]*,\s*)?(\d{4})(\d{2})(\d{2})\b")  # 25X1, 20320109


def declassification_date(value: str | None) -> date | None:
    """The date of a ``DECL:`` value (MM/DD/YYYY, YYYY/MM/DD, M/D/YY, YYYYMMDD, ``25X1,
    YYYYMMDD``), None for an event."""
    if not value:
        return None
    value = value.strip()
    try:
        if match := _YMD.match(value) or _COMPACT_DATE.match(value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _MDY.match(value):
            year = int(match[3])
            year = year + 2000 if year < 100 else year
            return date(year, int(match[1]), int(match[2]))
    except ValueError:
        return None
    return None


# --- TAGS ---------------------------------------------------------------------------------------

_TAG_GROUP = re.compile(r"\(([^()]*)\)")
_TAG_SPLIT = re.compile(r"[,\s]+")


_PAGE_IN_TAGS = re.compile(
    r"\b(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\s+PAGE\s+\d{2}\s.*?\d{6}Z\b", re.IGNORECASE
)
_NOT_TAGS = frozenset({"SIPDIS"})


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags in order, upper case, without repeats; ``OVIP (NAME, GIVEN)`` keeps the name whole.

    Paper page headers caught in a wrapped TAGS line and the SIPDIS caption are dropped.
    """
    text = _PAGE_IN_TAGS.sub(" ", text)
    tags: list[str] = []
    for part_index, part in enumerate(_TAG_GROUP.split(text)):
        if part_index % 2:  # inside parentheses: one person's name
            candidates = [_SPACES.sub(" ", part.strip().upper())]
        else:
            candidates = [token.upper() for token in _TAG_SPLIT.split(part)]
        tags.extend(tag for tag in candidates if tag and tag not in tags and tag not in _NOT_TAGS)
    return tuple(tags)


# --- Classified By ------------------------------------------------------------------------------

# "\b1\s?\.\s?([245])(?![0-9])", written to start with its literal (the search skips ahead).
_SECTION_NO = re.compile(r"1(?<!\w1)\s?\.\s?([245])(?![0-9])")
_REASON_LETTER = re.compile(r"(?<![A-Za-z])([a-hA-H])(?![A-Za-z])")
_TRAILING_NOISE = re.compile(
    r"(?:[\s,;:(-]|\b(?:for|per|and|reasons?|reason\(s\)|reaons|re\s?a?\s?sons?|rea|"
    r"E\.?\s?O\.?\s?12958|para)\b)+$",
    re.IGNORECASE,
)


# The ASCII characters trailing noise may hold: white space and those of the pattern, in
# either case (a superset). Past ASCII any character may match ignoring case ("ſ" as "s").
_NOISE_ASCII = frozenset(
    char
    for char in map(chr, range(128))
    if char.isspace() or char.lower() in _TRAILING_NOISE.pattern.lower()
)


def _without_trailing_noise(text: str) -> str:
    """``_TRAILING_NOISE.sub("", text)``, searched for only in the tail of characters noise
    may hold (a match runs to the end, so it starts there; the regex is otherwise tried at
    every position of the text)."""
    start = len(text)
    while start and (not (char := text[start - 1]).isascii() or char in _NOISE_ASCII):
        start -= 1
    match = _TRAILING_NOISE.search(text, start)
    return text if match is None else text[: match.start()] + text[match.end() :]


def _strip_trailing(text: str) -> str:
    """Drop trailing reason words and a sentence's full stop, until nothing changes (so that
    reading the rendered line gives the same name again)."""
    while True:
        # The noise can only end the text with one of these (the test saves a regex scan).
        ending = text[-1:]
        noisy = ending.isspace() or ending in ",;:(-" or ending.lower() in "rdnsa\u017f8"
        who = (_without_trailing_noise(text) if noisy else text).strip()
        last_word = who.rsplit(" ", 1)[-1]
        if who.endswith(".") and len(last_word) > 4 and "." not in last_word[:-1]:
            who = who[:-1].rstrip()  # a sentence's full stop, not "Jr." or "a.i."
        if who == text:
            return who
        text = who


def parse_classified_by(text: str) -> tuple[str | None, tuple[str, ...]]:
    """``James P. Zumwalt, Charge d'Affaires, a.i.; reasons 1.4 (b/d)`` -> (who, reasons)."""
    text = single_spaced(text)
    sections = list(_SECTION_NO.finditer(text))
    head = text[: sections[0].start()] if sections else text
    who = _strip_trailing(head)
    if who.upper() in {"SECTION", "SECTIONS"}:
        who = ""  # "CLASSIFIED BY SECTION 1.5 (B)": no classifier named
    reasons: list[str] = []
    for index, section in enumerate(sections):
        end = sections[index + 1].start() if index + 1 < len(sections) else len(text)
        for letter in _REASON_LETTER.findall(text[section.end() : end]):
            reason = f"1.{section[1]}({letter.lower()})"
            if reason not in reasons:
                reasons.append(reason)
    return who or None, tuple(reasons)


def render_reasons(reasons: tuple[str, ...]) -> str:
    """``("1.4(b)", "1.4(d)")`` -> ``1.4 (b) and (d)``; several sections are listed in turn."""
    groups: dict[str, list[str]] = {}
    for reason in reasons:
        section, _, letter = reason.partition("(")
        groups.setdefault(section, []).append(f"({letter}")
    parts = []
    for section, letters in groups.items():
        joined = (
            letters[0] if len(letters) == 1 else ", ".join(letters[:-1]) + " and " + letters[-1]
        )
        parts.append(f"{section} {joined}")
    return ", ".join(parts)


# --- REF ------------------------------------------------------------------------------------

_REF_LABEL = re.compile(
    r"(?:(?<=[\s;,])|^)(?:\((?P<p>[A-Z])\)|\[(?P<b>[A-Z])\]|(?P<d>[A-Z])(?:\.\)|[.):]|\s-\s))",
    re.IGNORECASE,
)
_MONTH_WORDS = frozenset(
    (
        *("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "SEPT", "OCT", "NOV"),
        *("DEC", "JANUARY", "FEBRUARY", "MARCH", "APRIL", "JUNE", "JULY", "AUGUST"),
        *("SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"),
    )
)
_NOT_POSTS = frozenset(
    [
        "REF",
        "REFS",
        "REFTEL",
        "REFERENCE",
        "AND",
        "E-MAIL",
        "EMAIL",
        "EMAILS",
        "E-MAILS",
        "MAIL",
        "TELCON",
        "TELCONS",
        "MEMO",
        "LETTER",
        "SEPTEL",
        "PARA",
        "PARAGRAPH",
        "OF",
        "THE",
        "NOTAL",
        "CIRCULAR",
        "FAM",
        "FAH",
        "CA",
        "IIR",
        "TD",
        "OSC",
        "EUP",
        "PAGE",
        "SECTION",
        "CABLES",
        "CABLE",
        "PREVIOUS",
        "UNCLASS",
        "DAILY",
        "REPORT",
        "OPS",
        "EXP.LIC.",
        "AT",
        "ON",
        "IN",
        "TO",
        "FOR",
        "FROM",
        "BY",
        "WITH",
        "DATED",
        "THRU",
        "POINTS",
        "MSG",
        "DTG",
    ]
)
# Zeros and letter Os typed for each other: "0TTAWA", "SANTIAG0 465", "O4 CHENNAI".
# Each starts with its literal (the cases look behind it) so that the search skips ahead:
# "\b0(?=[A-Z]{3})|(?<=[A-Z]{3})0\b|(?<=[A-Z])0(?=[A-Z])" and "(?<![A-Z])O(?=\d\b)".
_ZERO_AS_O = re.compile(r"0(?:(?<!\w0)(?=[A-Z]{3})|(?<=[A-Z]{3}0)\b|(?<=[A-Z]0)(?=[A-Z]))")
_O_AS_ZERO = re.compile(r"O(?<![A-Z]O)(?=\d\b)")
_CABLE = re.compile(
    r"(?:(?P<year>\d{4}|\d{2})[\s-]?|'(?P<year2>\d{2})\s|\((?P<year3>\d{2})\)\s?)?"
    r"(?P<post>[A-Z][A-Z'.-]*[A-Z]\.?(?:\s[A-Z][A-Z'.-]*[A-Z]){0,2}|[A-Z]{2})"
    r"(?:\s?\(\w\))?[\s:,-]\s?#?(?P<number>[0O]\d{1,6}|[1-9]\d{0,6})(?!\d)"
    r"(?:\s?\((?P<year4>\d{2})\)|-(?P<year5>\d{2})\b|/(?P<year6>\d{2})\b)?"
    r"(?!/\d{1,2}/\d)(?!:\d)"
)


_COMPACT = re.compile(r"\b(\d{4}|\d{2})([A-Z]{3,})(\d{1,7})\b")


# More numbers of the same post: "BRASILIA 2799 AND 2764", "KABUL 936/935".
_MORE_NUMBERS = re.compile(
    # Three digits or more (a date's parts have two); not the year of the next citation.
    r"\s*(?:AND|&|,|/)\s*(\d{3,7})\b(?!:\d)(?!\s+[A-Z][A-Z .'-]*\s\d)"
)


def _cable_ids(text: str, default_year: int | None) -> list[str]:
    """Every telegram cited in one reference item, canonicalised, in order."""
    text = _O_AS_ZERO.sub("0", _ZERO_AS_O.sub("O", text.upper()))
    ids = [
        telegram_id(int(m[1]), m[2], int(m[3])) for m in _COMPACT.finditer(text)
    ]  # "09CAIRO0561", "2005PANAMA2342"
    for match in [] if ids else _CABLE.finditer(text):
        words = match["post"].split()
        while words and words[0] in _NOT_POSTS:
            words.pop(0)
        number = int(match["number"].replace("O", "0"))
        if not words or any(word in _NOT_POSTS for word in words):
            continue
        if words[-1] in _MONTH_WORDS and (number <= 31 or 1950 <= number <= 2030):
            continue  # "NOV 2", "JULY 2009": a date, not a telegram
        before = match["year"] or match["year2"] or match["year3"]  # the first year written
        year_text = before or match["year4"] or match["year5"] or match["year6"]
        year = int(year_text) if year_text else default_year
        if year is None:
            continue
        post = "".join(words)
        ids.append(telegram_id(year, post, number))
        position = match.end()
        while more := _MORE_NUMBERS.match(text, position):
            ids.append(telegram_id(year, post, int(more[1])))
            position = more.end()
    return list(dict.fromkeys(ids))


def _split_labelled(text: str) -> list[tuple[str | None, str]]:
    """Split ``A. X B) Y`` into labelled items; labels must run A, B, C... (repeats allowed)."""
    items: list[tuple[str | None, str]] = []
    expected, start, label = "A", 0, None
    for match in _REF_LABEL.finditer(text):
        letter = (match["p"] or match["b"] or match["d"]).upper()
        if letter == expected:
            if label is not None or text[start : match.start()].strip():
                items.append((label, text[start : match.start()]))
            label, start = letter, match.end()
            expected = chr(ord(letter) + 1)
        elif letter == label and not text[start : match.start()].strip():
            start = match.end()  # "A. A) STATE 123": the label written twice
    items.append((label, text[start:]))
    if items[0][0] is None and len(items) == 1:
        return [(None, part) for part in text.split(";")]
    return items


_REF_PREFIX = re.compile(r"^(?:REF(?:ERENCE)?S?\b\s*:?\s*(?:[A-Z][.:]?\s)?)+", re.IGNORECASE)


# Page continuation lines and paper page headers caught inside a wrapped REF list.
_PAGE_NOISE = re.compile(
    r"[A-Z][A-Z .'-]*\s\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}"
    r"|(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)?\s*PAGE\s+\d{2}\s+[A-Z .]+\s+\d{4,6}\s.*?\d{6}Z"
)


def parse_references(text: str, year: int | None) -> tuple[Reference, ...]:
    """The REF list: a Reference per labelled item, or one per telegram an item cites (the
    same label and text, each with its ``id``); ``id`` is None for other items."""
    text = single_spaced(text.replace("¶", " "))
    if " OF " in text or "PAGE" in text:
        text = _PAGE_NOISE.sub(" ", text)
    references: list[Reference] = []
    for label, item in _split_labelled(text):
        body = _REF_PREFIX.sub("", item.strip(" ;,")).strip(" ;,")
        if body:
            ids: list[str | None] = [*_cable_ids(body, year)] or [None]
            references.extend(Reference(label, body, ident) for ident in ids)
    return tuple(references)

"""The cablemap parser vectors (heuer/cablemap, BSD) run against BCM's telegram parser.

Every applicable table runs in full. Each table's rows that BCM deliberately reads differently
are listed in DISAGREE with the reason; the test checks that exactly those rows differ, so a
listed row that starts to agree, or an unlisted row that stops agreeing, fails.

Tables not run, and why:
- test_reader_summary: BCM keeps the summary inside paragraph 1's text; it has no summary field.
- test_reader_tags _TEST_DATA_BY_ID, test_difficult_subjects, test_issue14/15, test_media_urls,
  test_reference_oddities: they name cablegate ids and need the whole corpus, which is not here.
- test_utils_clean_content, test_utils_tag_kind, test_utils_titlefy: cablemap's own utilities
  (content cleaning, tag classification, title-casing) that BCM does not have.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from bcm.cables import Addressee, canonical_id, declassification_date, parse, render
from bcm.cables.body import split_body
from bcm.errors import InvalidInput
from tests.cables.conftest import DATA

TABLES: dict[str, Any] = json.loads((DATA / "cablemap_test_data.json").read_text("utf-8"))

# --- reasons ------------------------------------------------------------------------------------

NAMES = (
    "person names after OVIP and multi-word subjects (HUMAN RIGHTS, GOI EXTERNAL) are joined by "
    "cablemap from its dictionaries; the TAGS line has no delimiter for them, so BCM keeps the "
    "tokens as written"
)
CONCAT = "run-together tags (PHUMBA, VTPREL) are split by cablemap from its tag dictionary"
TYPO = "cablemap corrects misspelt tags (MOPPS, UNDESCO) from its dictionary; BCM keeps them"
NO_LABEL = "a fragment without a field label at a line start is not recognised as a telegram"
TAGS_TWICE = "'TAGS: ..., TAGS: EFIN' is read as the label repeated, not as a tag named TAGS"
TWICE = "a telegram cited by two items is listed twice by BCM (once per item), once by cablemap"
INCONSISTENT = (
    "cablemap drops the second number of 'STATE 188314, 259032' although it reads every number "
    "of 'GUANGZHOU 11657 and 7743, 12155'; BCM reads both lists alike"
)
YEAR_AFTER = "a year written after the number without punctuation ('AMMAN 07718 99') is not read"
WRAP = "an item wrapped across a blank line ends the REF field in BCM"
NOT_CABLE = "a number in free text (MTCR POC 201, UNSCR 1737, INCSR 2008, USDEL TELEGRAMS) is read"
NOT_CABLE += " as a telegram by BCM's structural rule; cablemap knows the post names"
ORDER = "the fragment puts REF before the classification line, which BCM reads as a preamble"
SBU_LINE = "a handling sentence between SUBJECT and REF starts the body in BCM"
ABBREVIATION = "post abbreviations outside BCM's alias table (PORT A, HK) are not resolved"
NUMBER_FIRST = "a number before its post ('870 Ulaanbaatar', '377 KATHMANDU') is not read"
NO_POST = "an item with a number and no post needs the sender's post, unknown in a fragment"
INSIDE = "text between post and number ('STATE (01) 201265', 'COLOMBO CABLES 0266') is not skipped"
TAIPEI = "cablemap's own tables disagree: its id table maps TAIPEI to AITTAIPEI, as BCM does"
THEIR_TYPO = "the expected id differs from the text (7472 vs 7572, 789 vs 798): a typo in the row"
REF_IN_ITEM = "'A. REF: KATHMANDU' is read as a second REF label, which loses the item label"
NORMALIZE = "cablemap title-cases and corrects the name (c14n); BCM keeps the name as written"
WORD_WRAP = "the name is split by a line wrap inside a word; BCM joins wrapped lines with a space"

DISAGREE: dict[str, dict[int, str]] = {
    "tags": {
        **dict.fromkeys([29, 30, 31, 32, 33, 34, 36, 37, 38, 51, 52, 53, 54, 55, 57], NAMES),
        **dict.fromkeys([61, 62, 63, 64, 65], NAMES),
        **dict.fromkeys([28, 42, 44, 46, 47, 48, 49, 50, 56, 58, 75], CONCAT),
        35: TYPO,
        45: TYPO,
        39: NO_LABEL,
        79: TAGS_TWICE,
    },
    "references": {
        **dict.fromkeys([50, 102], WRAP),
        **dict.fromkeys([29, 33, 58], NOT_CABLE),
        19: ORDER,
        49: SBU_LINE,
        73: TWICE,
        94: ABBREVIATION,
        106: INCONSISTENT,
    },
    "references_ng": {
        12: INCONSISTENT,
        17: WRAP,
        20: NOT_CABLE,
        21: REF_IN_ITEM,
        23: TAIPEI,
        25: ABBREVIATION,
        26: INSIDE,
        50: INSIDE,
        51: INSIDE,
        31: THEIR_TYPO,
        42: THEIR_TYPO,
        33: NO_POST,
        52: NO_POST,
        35: NUMBER_FIRST,
        43: NUMBER_FIRST,
        47: YEAR_AFTER,
        36: NO_LABEL,
    },
    "classified_by": {
        **dict.fromkeys([18, 20, 101], NORMALIZE),
        **dict.fromkeys([56, 114, 115, 172], WORD_WRAP),
    },
}

Row = tuple[int, bool, object, object]


def _parse(text: str, year: int | None = None) -> Any:
    try:
        return parse(text, year=year)
    except InvalidInput:
        return None


def _addressee(item: Addressee) -> dict[str, object]:
    return {
        "route": item.routing_indicator,
        "name": item.address,
        "precedence": item.precedence,
        "mcn": item.serial,
        "excluded": list(item.excluded),
    }


def _expected_addressee(item: dict[str, Any]) -> dict[str, object]:
    keys = ("route", "name", "precedence", "mcn")
    return {key: item.get(key) for key in keys} | {"excluded": item.get("excluded", [])}


def _recipients(which: str) -> Callable[[], Iterator[Row]]:
    table = "test_reader_recipients.py" if which == "to" else "test_reader_info_recipients.py"

    def rows() -> Iterator[Row]:
        for index, (text, expected) in enumerate(TABLES[table]["_TEST_DATA"]):
            message = _parse(text)
            got = [_addressee(a) for a in getattr(message, which)] if message else None
            want = [_expected_addressee(e) for e in expected]
            yield index, got == want, got, want

    return rows


def _declassification() -> Iterator[Row]:
    for index, (text, expected) in enumerate(
        TABLES["test_reader_nondisclosure_deadline.py"]["_TEST_DATA"]
    ):
        message = _parse(text)
        day = declassification_date(message.declassify_on) if message else None
        got = day.isoformat() if day else None
        yield index, message is not None and got == expected, got, expected


def _tags() -> Iterator[Row]:
    for index, (text, expected) in enumerate(TABLES["test_reader_tags.py"]["_TEST_DATA"]):
        message = _parse(text)
        got = list(message.tags) if message else None
        yield index, got == expected, got, expected


def _subject() -> Iterator[Row]:
    for index, row in enumerate(TABLES["test_reader_subject.py"]["_TEST_DATA"]):
        clean = row[1] if len(row) == 3 else True
        message = _parse(row[0])
        got = None
        if message is not None:
            got = message.subject or ""
            if not clean and message.subject_portion:
                got = f"({message.subject_portion}) {got}"
        yield index, got == row[-1], got, row[-1]


def _references() -> Iterator[Row]:
    for index, row in enumerate(TABLES["test_reader_references.py"]["_TEST_DATA"]):
        message = _parse(row[0], row[1])
        got = [r.id for r in message.references if r.id] if message else None
        yield index, got == row[-1], got, row[-1]


_CABLE_CALL = re.compile(r"cable\(u?'([^']+)'(?:, u?'([^']+)')?\)")


def _references_ng() -> Iterator[Row]:
    for index, (text, year, calls) in enumerate(
        TABLES["test_reader_references_ng.py"]["_TEST_DATA"]
    ):
        # Only cable references are compared: BCM does not type mails, books or telcons.
        want = [(m[1], m[2]) for call in calls if (m := _CABLE_CALL.match(call))]
        message = _parse(text, year)
        got = [(r.id, r.label) for r in message.references if r.id] if message else None
        yield index, got == want, got, want


def _classified_by() -> Iterator[Row]:
    for index, row in enumerate(TABLES["test_reader_classified_by.py"]["_TEST_DATA"]):
        expected, text = row[1], row[2]
        normalize = len(row) > 3 and row[3]
        message = _parse(text)
        got = message.classified_by if message else None
        if expected == []:
            ok = got is None
        else:
            # BCM keeps the whole "Classified By" text (title and name); the name must be in it.
            names = expected if isinstance(expected, list) else [expected]
            ok = got is not None and all(n.lower() in got.lower() for n in names)
            ok = ok and (not normalize or all(n in got for n in names))
        yield index, ok, got, expected


def _signers() -> Iterator[Row]:
    for index, row in enumerate(TABLES["test_reader_signers.py"]["_TEST_DATA"]):
        expected = row[0] or None
        got = split_body(row[1].split("\n")).signature
        yield index, got == expected, got, expected


def _c14n() -> Iterator[Row]:
    for index, (written, expected) in enumerate(TABLES["test_c14n_id_c14n.py"]["_TEST_DATA"]):
        got = canonical_id(written)
        yield index, got == expected, got, expected


RUNNERS: dict[str, Callable[[], Iterator[Row]]] = {
    "recipients": _recipients("to"),
    "info_recipients": _recipients("info"),
    "nondisclosure_deadline": _declassification,
    "tags": _tags,
    "subject": _subject,
    "references": _references,
    "references_ng": _references_ng,
    "classified_by": _classified_by,
    "signers": _signers,
    "c14n_id": _c14n,
}


@pytest.mark.parametrize("table", sorted(RUNNERS))
def test_cablemap_table(table: str) -> None:
    rows = list(RUNNERS[table]())
    assert rows, "the table must not be empty"
    differing = {index: (got, want) for index, ok, got, want in rows if not ok}
    listed = DISAGREE.get(table, {})
    unexpected = {i: v for i, v in differing.items() if i not in listed}
    now_agree = sorted(set(listed) - set(differing))
    assert not unexpected, f"rows that differ without a listed reason: {unexpected}"
    assert not now_agree, f"listed disagreements that now agree (remove them): {now_agree}"
    # Most of each table agrees: the listed rows are the exception, not the rule.
    assert len(listed) <= len(rows) // 2


def test_disagreement_reasons_are_sentences() -> None:
    for table, rows in DISAGREE.items():
        assert table in RUNNERS
        for reason in rows.values():
            assert len(reason) > 30


def _fragments(value: object) -> Iterator[str]:
    if isinstance(value, str) and ("\n" in value or len(value) > 40):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _fragments(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _fragments(item)


def test_every_parsed_fragment_renders_back_to_the_same_fields() -> None:
    """Rendering keeps every parsed field, also for the vectors' messy real fragments."""
    checked = 0
    for text in _fragments(TABLES):
        message = _parse(text)
        if message is None:
            continue
        again = parse(render(message))
        assert replace(again, warnings=()) == replace(message, warnings=()), text[:120]
        checked += 1
    assert checked > 400

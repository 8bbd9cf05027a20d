"""Issue #3 acceptance: the seed telegram, its per-reader views, and the test cables' banners."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bcm.cables import (
    Telegram,
    banner,
    lint,
    message_id,
    parse,
    render,
    render_view,
    rollup,
    to_json,
    view,
)
from bcm.markings import Clearance
from tests.cables.conftest import CABLES, DATA, SEED, read

# --- the seed parses to what the issue says -------------------------------------------------


def test_seed_header(seed: Telegram) -> None:
    assert message_id(seed) == "09TOKYO445"
    assert seed.precedence == "IMMEDIATE"
    assert seed.datetime == datetime(2009, 2, 26, 22, 40, tzinfo=UTC)
    assert seed.sender == "AMEMBASSY TOKYO"
    assert len(seed.to) == 1
    to = seed.to[0]
    assert (to.routing_indicator, to.address, to.precedence, to.serial) == (
        "RUEHC",
        "SECSTATE WASHDC",
        "IMMEDIATE",
        "1087",
    )
    assert len(seed.info) == 14
    assert seed.info[0].address == "AMEMBASSY BEIJING"
    assert seed.info[0].serial == "7950"
    assert seed.info[-1].address == "USFJ"
    assert seed.info[-1].routing_indicator == "RHMFISS"


def test_seed_text_fields(seed: Telegram) -> None:
    assert seed.tags == ("PREL", "PARM", "MARR", "KN", "KS", "JA")
    assert [(r.label, r.text, r.id) for r in seed.references] == [
        ("A", "06 TOKYO 4543", "06TOKYO4543"),
        ("B", "06 TOKYO 5336", "06TOKYO5336"),
    ]
    assert seed.subject == (
        "READ-OUT ON COORDINATION MEETING WITH JAPANESE OFFICIALS ON POSSIBLE TD-2 LAUNCH"
    )
    assert seed.classified_by == "James P. Zumwalt, Charge d'Affaires, a.i."
    assert seed.reasons == ("1.4(b)", "1.4(d)")
    assert seed.declassify_on == "AFTER KOREAN REUNIFICATION"
    assert seed.captions == ("SIPDIS",)
    assert seed.signature == "ZUMWALT"


def test_seed_paragraphs_and_marks(seed: Telegram) -> None:
    numbers = [p.number for p in seed.paragraphs]
    assert numbers == list(range(1, 18))
    expected = dict.fromkeys(range(1, 18), "S//NF") | {9: "C", 17: "U"}
    assert {p.number: p.portion for p in seed.paragraphs} == expected
    # Sub-items and the participants list stay in their paragraph's text.
    assert "Marc Knapper" in seed.paragraphs[16].text
    assert seed.paragraphs[16].text.endswith("Division, MOD")


def test_seed_banner_rollup_and_publisher_metadata(seed: Telegram) -> None:
    assert banner(seed) == "SECRET"
    assert rollup(seed) == "SECRET//NOFORN"
    # The publisher's metadata above the message agrees with the declared banner.
    labels = ["Identifier", "Created", "Classification", "Origin"]
    assert list(seed.preamble[:4]) == labels
    metadata = dict(zip(labels, seed.preamble[4:8], strict=True))
    assert metadata["Classification"] == banner(seed)
    assert metadata["Identifier"] == message_id(seed)


def test_seed_duplicated_caption_block_is_reported(seed: Telegram) -> None:
    assert any("duplicated caption block" in warning for warning in seed.warnings)


def test_seed_lint_reports_the_missing_noforn(seed: Telegram) -> None:
    findings = lint(seed)
    assert len(findings) == 1
    assert "lacks NOFORN" in findings[0]
    assert "SECRET" in findings[0]
    assert "¶9" not in findings[0]
    assert "¶17" not in findings[0]


# --- per-reader views of the seed ---------------------------------------------------------------

SECRET_SENTENCES = [
    "Alliance and intelligence managers from the",  # ¶1
    "MOD's Atsuo Suzuki pointed out that the two",  # ¶16
    "LAUNCH AUTHORITY POSSIBLY DELEGATED",  # heading (declared banner)
    "AMEMBASSY TOKYO",  # addressees (declared banner)
    "ZUMWALT",  # signature (declared banner)
]


def test_us_confidential_reader_sees_paragraphs_9_and_17(seed: Telegram) -> None:
    reader_view = view(seed, Clearance("USA", "CONFIDENTIAL"))
    text = render_view(reader_view)
    visible = [part.name for part in reader_view.parts if part.visible]
    assert visible == ["paragraph 9", "paragraph 17"]
    assert reader_view.banner == "CONFIDENTIAL//NOFORN"
    assert text.splitlines()[0] == "CONFIDENTIAL//NOFORN"
    assert "PARTIAL VIEW" in text
    assert "SECRET" not in text
    for sentence in SECRET_SENTENCES:
        assert sentence not in text
    assert "Pol-Mil Chief recommended that both sides review" in text
    assert "Marc Knapper" in text


def test_japanese_secret_reader_sees_only_paragraph_17(seed: Telegram) -> None:
    reader_view = view(seed, Clearance("JPN", "SECRET"))
    text = render_view(reader_view)
    assert [part.name for part in reader_view.parts if part.visible] == ["paragraph 17"]
    assert reader_view.banner == "UNCLASSIFIED"
    assert "PARTIAL VIEW" in text
    assert "Pol-Mil Chief recommended" not in text
    for sentence in SECRET_SENTENCES:
        assert sentence not in text


def test_fully_cleared_reader_sees_everything(seed: Telegram) -> None:
    reader_view = view(seed, Clearance("USA", "SECRET"))
    assert not reader_view.partial
    assert reader_view.banner == "SECRET//NOFORN"
    text = render_view(reader_view)
    assert "FULL VIEW" in text
    assert "ZUMWALT" in text
    assert "withheld" not in text


def test_withheld_notices_do_not_reveal_markings(seed: Telegram) -> None:
    text = render_view(view(seed, Clearance("JPN", "SECRET")))
    notices = [line for line in text.splitlines() if line.startswith("[")]
    assert notices
    for notice in notices:
        assert "withheld" in notice
        assert not re.search(r"\b(S|C|NF|NOFORN|SECRET|CONFIDENTIAL)\b", notice)


def test_subject_with_its_own_mark_is_decided_by_it() -> None:
    cable = parse(read(DATA / "09STATE47326.txt"))
    assert cable.subject_portion == "U//SBU"
    reader_view = view(cable, Clearance("USA", "CONFIDENTIAL"))
    visible = {part.name for part in reader_view.parts if part.visible}
    # The subject is (SBU): a CONFIDENTIAL reader sees it although the banner is SECRET//NOFORN.
    assert "subject" in visible
    assert "tags" not in visible
    assert "routing and addressees" not in visible
    assert "paragraph 2" in visible
    assert "paragraph 1" in visible


# --- every test cable parses with the published banner ------------------------------------------


def _index() -> dict[str, str]:
    rows = re.findall(r"^\| (\d\d[A-Z]+\d+) \| ([A-Z/ ]+?) \|", read(DATA / "INDEX.md"), re.M)
    # The published metadata writes SBU as FOR OFFICIAL USE ONLY.
    return {ident: text.replace("FOR OFFICIAL USE ONLY", "SBU") for ident, text in rows}


def test_index_lists_every_test_cable() -> None:
    assert sorted(_index()) == sorted(path.stem for path in CABLES)


@pytest.mark.parametrize("path", CABLES, ids=lambda path: path.stem)
def test_cable_banner_matches_published_metadata(path: Path) -> None:
    cable = parse(read(path))
    assert message_id(cable) == path.stem
    assert banner(cable) == _index()[path.stem]


@pytest.mark.parametrize("path", CABLES, ids=lambda path: path.stem)
def test_test_cables_lint_clean(path: Path) -> None:
    assert lint(parse(read(path))) == []


@pytest.mark.parametrize("path", [SEED, *CABLES], ids=lambda path: path.stem)
def test_rendering_a_parsed_telegram_keeps_every_field(path: Path) -> None:
    cable = parse(read(path))
    again = parse(render(cable))
    assert again.warnings == ()
    assert replace(again, warnings=cable.warnings) == cable
    assert to_json(again) | {"warnings": []} == to_json(cable) | {"warnings": []}

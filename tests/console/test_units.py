"""The console's pieces without a browser: DTG, banner colors and roll-up, the label picker's
choices, catalogs, CSRF tokens, templates free of inline script, redirects kept local."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.requests import Request

from bcm.domain.model import (
    Body,
    BodyKind,
    ClearanceGrant,
    Membership,
    Mode,
    Person,
    PersonKind,
)
from bcm.domain.policy import Subject, label_of
from bcm.markings import Level
from bcm.web.console import csrf
from bcm.web.console.access import PendingSignIns, safe_next
from bcm.web.console.i18n import CATALOGS, LANGUAGES, language_of, translator
from bcm.web.console.labels import banner_of, color_of, labels_for, parse_shown
from bcm.web.console.rendering import HERE, dtg

NOW = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2009, 2, 26, 22, 40, tzinfo=UTC), "262240Z FEB 09"),
        (datetime(2026, 12, 1, 0, 5, tzinfo=UTC), "010005Z DEC 26"),
        (datetime(2026, 1, 1, 8, 0, tzinfo=UTC).astimezone(), "010800Z JAN 26"),
    ],
)
def test_dtg_is_utc_day_hour_minute_month_year(moment: datetime, expected: str) -> None:
    assert dtg(moment) == expected


@pytest.mark.parametrize(
    ("label", "color"),
    [
        ("UNCLASSIFIED", "u"),
        ("UNCLASSIFIED//FOUO", "u"),
        ("CONFIDENTIAL//REL TO USA, JPN", "c"),
        ("SECRET//NOFORN", "s"),
        ("TOP SECRET//NOFORN", "ts"),
        ("TOP SECRET//SI//NOFORN", "ts-sci"),
    ],
)
def test_banner_colors_follow_the_convention(label: str, color: str) -> None:
    assert color_of(label_of(label)) == color


def test_banner_is_the_roll_up_and_unclassified_when_nothing_is_shown() -> None:
    assert banner_of([], "USA").text == "UNCLASSIFIED"
    rolled = banner_of(["CONFIDENTIAL//REL TO USA, JPN", "SECRET//REL TO USA, JPN"], "JPN")
    assert (rolled.text, rolled.color) == ("SECRET//REL TO USA, JPN", "s")
    assert rolled.national == "極秘//REL TO USA, JPN"
    assert banner_of(["SECRET//NOFORN", "UNCLASSIFIED"], "USA").national == ""


def test_labels_sent_back_by_a_page_are_canonicalized_or_dropped() -> None:
    assert parse_shown(["secret//rel to usa, jpn", "NOT A LABEL", "(C)"]) == [
        "SECRET//REL TO USA, JPN",
        "CONFIDENTIAL",
    ]


def _subject(nationality: str, level: Level) -> Subject:
    person = Person("p1", "n", "someone", "Someone", PersonKind.PERSON, nationality, "org-1")
    grant = ClearanceGrant(
        "g1",
        "n",
        "p1",
        level,
        NOW - timedelta(days=30),
        NOW + timedelta(days=300),
        "officer",
        acknowledged_at=NOW - timedelta(days=29),
    )
    return Subject(person, ("org-1",), (grant,), NOW)


def _body(ceiling: str) -> Body:
    return Body(
        "b1",
        "n",
        "watch",
        "Watch",
        BodyKind.CENTER_WATCH,
        ceiling,
        Membership(frozenset({"org-1"})),
    )


def test_picker_offers_only_labels_within_the_ceiling_and_the_clearance() -> None:
    us_secret = _subject("USA", Level.S)
    technical = [c.banner for c in labels_for(us_secret, _body("UNCLASSIFIED//FOUO"))]
    assert technical == ["UNCLASSIFIED", "UNCLASSIFIED//FOUO"]
    watch = [c.banner for c in labels_for(us_secret, _body("SECRET//NOFORN"))]
    assert "SECRET//NOFORN" in watch
    assert not any(label.startswith("TOP SECRET") for label in watch)


def test_picker_offers_a_foreign_author_no_noforn_and_no_us_only_label() -> None:
    japan = [c.banner for c in labels_for(_subject("JPN", Level.S), _body("SECRET//NOFORN"))]
    assert "SECRET//REL TO USA, JPN" in japan
    assert not [label for label in japan if "NOFORN" in label]
    assert "SECRET" not in japan  # U.S. material without REL TO is not releasable to JPN


def test_every_catalog_has_every_key_and_formats() -> None:
    catalogs = {lang: json.loads((CATALOGS / f"{lang}.json").read_text()) for lang in LANGUAGES}
    assert set(catalogs["en"]) == set(catalogs["ja"])
    for lang, messages in catalogs.items():
        fields = {key: set(re.findall(r"{(\w+)}", text)) for key, text in messages.items()}
        assert fields == {k: set(re.findall(r"{(\w+)}", v)) for k, v in catalogs["en"].items()}, (
            lang
        )
    assert translator("ja")("nav.bodies") == "会議体"
    assert translator("en")("post.title", body="X") == "Post to X"


def test_every_key_used_in_templates_is_in_the_catalog() -> None:
    used: set[str] = set()
    for template in (HERE / "templates").glob("*.html"):
        used |= set(re.findall(r"t\('([a-z_.]+)'", template.read_text(encoding="utf-8")))
    english = json.loads((CATALOGS / "en.json").read_text())
    dynamic = {key for key in used if key.endswith(".")}  # t('kind.' ~ body.kind.value)
    assert dynamic == {"kind.", "mode.", "language."}
    assert used - dynamic - set(english) == set()
    families = {
        "kind.": [k.value for k in BodyKind],
        "mode.": [m.value for m in Mode],
        "language.": list(LANGUAGES),
    }
    for prefix, values in families.items():
        assert {prefix + value for value in values} <= set(english), prefix


def test_templates_have_no_inline_script_or_style() -> None:
    for path in [*(HERE / "templates").glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path.name
        assert " style=" not in text, path.name
        assert "<style" not in text, path.name
        assert not re.search(r"\son[a-z]+=", text), path.name  # no inline event handlers


def _request(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw})


def test_language_is_the_choice_then_the_browser_then_english() -> None:
    assert language_of(_request({"cookie": "bcm_lang=ja", "accept-language": "en"})) == "ja"
    assert language_of(_request({"accept-language": "ja-JP,ja;q=0.9"})) == "ja"
    assert language_of(_request({"accept-language": "fr-FR", "cookie": "bcm_lang=xx"})) == "en"


def test_csrf_token_is_bound_to_the_session_secret() -> None:
    request = _request({"cookie": "bcm_session=abc"})
    csrf.check(request, csrf.token_for("abc"))
    with pytest.raises(Exception, match="CSRF"):
        csrf.check(request, csrf.token_for("other"))
    with pytest.raises(Exception, match="CSRF"):
        csrf.check(request, None)
    with pytest.raises(Exception, match="CSRF"):
        csrf.check(_request({}), csrf.token_for(""))


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/bodies/bcc-yokota", "/bodies/bcc-yokota"),
        ("https://evil.example/", "/bodies"),
        ("//evil.example/", "/bodies"),
        ("/\\evil.example", "/bodies"),
        (None, "/bodies"),
    ],
)
def test_return_address_after_sign_in_stays_on_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_pending_sign_ins_are_kept_until_dropped() -> None:
    pending = PendingSignIns()
    ref = pending.add("k.reyes", "pw")
    found = pending.take(ref)
    assert found is not None
    assert found.login == "k.reyes"
    pending.drop(ref)
    assert pending.take(ref) is None
    assert pending.take("unknown") is None


def test_static_assets_exist() -> None:
    assert Path(HERE / "static" / "console.js").is_file()
    assert Path(HERE / "static" / "console.css").is_file()

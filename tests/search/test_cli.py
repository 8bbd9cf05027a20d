"""``bcm search --as LOGIN QUERY``: text and JSON output, "no results", one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.audit.cli import bcm
from tests.search.conftest import CHART


@pytest.fixture
def url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    chart = tmp_path / "chart.yaml"
    chart.write_text(CHART)
    database = f"sqlite:///{tmp_path / 'bcm.db'}"
    assert bcm(capsys, "init", "--database", database, "--org-chart", str(chart))[0] == 0
    for login, body, label, text in (
        ("k.reyes", "bcc-yokota", "SECRET//REL TO USA, JPN", "Launch indications at site Alpha"),
        ("p.nguyen", "intel-us", "TOP SECRET//SI//NOFORN", "Launch order intercepted"),
    ):
        args = ("item", "post", body, "--label", label, "--text", text, "--as", login)
        assert bcm(capsys, *args, "--database", database)[0] == 0
    return database


def test_search_prints_what_the_reader_may_see(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = bcm(capsys, "search", "--as", "k.reyes", "launch", "--database", url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "1 result"
    assert lines[1].endswith("SECRET//REL TO USA, JPN")
    assert lines[2] == "    Launch indications at site Alpha"
    code, out, _ = bcm(capsys, "search", "--as", "p.nguyen", "LAUNCH", "--database", url, "--json")
    found = json.loads(out)
    assert (code, found["count"], found["terms"]) == (0, 2, ["launch"])
    assert [h["label"] for h in found["hits"]] == [
        "TOP SECRET//SI//NOFORN",
        "SECRET//REL TO USA, JPN",
    ]
    code, out, _ = bcm(capsys, "search", "--as", "t.aoki", "launch", "--database", url)
    assert (code, out) == (0, "no results for 'launch'\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as", "k.reyes", "?!"), "bcm: query: at least one word (letters or digits)\n"),
        (("--as", "k.reyes", "a", "--limit", "0"), "bcm: limit: a number from 1 to 1000\n"),
        (("--as", "nobody", "launch"), "bcm: person 'nobody' not found\n"),
    ],
)
def test_bad_input_is_one_line(
    url: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = bcm(capsys, "search", *args, "--database", url)
    assert (code, out, err) == (1, "", message)

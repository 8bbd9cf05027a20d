"""The ``bcm cable`` CLI contract of issue #3: error paths and exit codes through the real
``bcm`` entry point in a subprocess, output shapes in-process with Click's runner (faster)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bcm.cli.cable import cable
from tests.cables.conftest import CABLES, DATA, SEED

CONTRACT_FIELDS = {
    "file",
    "id",
    "precedence",
    "datetime",
    "from",
    "to",
    "info",
    "classification",
    "banner",
    "rollup",
    "captions",
    "tags",
    "subject",
    "references",
    "classified_by",
    "reasons",
    "declassify_on",
    "paragraphs",
    "signature",
    "warnings",
}


def run(*args: str) -> str:
    """In-process run of a ``bcm cable`` command that must succeed; its standard output."""
    result = CliRunner().invoke(cable, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def bcm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bcm", "cable", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_parse_json_lines_in_input_order_with_errors_last_exit(tmp_path: Path) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02garbage")
    missing = tmp_path / "missing.txt"
    files = [str(SEED), str(binary), str(missing), str(CABLES[0])]
    result = bcm("parse", "--json", *files)
    assert result.returncode == 1
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["file"] for o in objects] == files
    assert set(objects[0]) >= CONTRACT_FIELDS
    assert set(objects[1]) == {"file", "error"}
    assert set(objects[2]) == {"file", "error"}
    assert objects[3]["id"] == CABLES[0].stem
    assert result.stderr == ""


def test_parse_json_values_for_the_seed() -> None:
    seed = json.loads(run("parse", "--json", str(SEED)))
    assert seed["id"] == "09TOKYO445"
    assert seed["precedence"] == "IMMEDIATE"
    assert seed["datetime"] == "2009-02-26T22:40:00Z"
    assert seed["from"] == "AMEMBASSY TOKYO"
    assert seed["to"] == [
        {
            "routing_indicator": "RUEHC",
            "address": "SECSTATE WASHDC",
            "precedence": "IMMEDIATE",
            "serial": "1087",
        }
    ]
    assert len(seed["info"]) == 14
    assert seed["classification"] == "SECRET"
    assert seed["banner"] == "SECRET"
    assert seed["rollup"] == "SECRET//NOFORN"
    assert seed["tags"] == ["PREL", "PARM", "MARR", "KN", "KS", "JA"]
    assert seed["references"][0] == {"label": "A", "text": "06 TOKYO 4543", "id": "06TOKYO4543"}
    assert seed["reasons"] == ["1.4(b)", "1.4(d)"]
    assert seed["declassify_on"] == "AFTER KOREAN REUNIFICATION"
    assert seed["paragraphs"][8] | {"text": ""} == {
        "number": 9,
        "portion": "C",
        "text": "",
        "heading": "NOTIFICATION AND INFORMATION FLOW",
    }
    assert seed["signature"] == "ZUMWALT"


def test_unclassified_sensitive_banner_and_sbu(tmp_path: Path) -> None:
    text = (DATA / "09PARIS1267.txt").read_text("utf-8").replace("SIPDIS", "SENSITIVE")
    path = tmp_path / "sbu.txt"
    path.write_text(text, "utf-8")
    parsed = json.loads(run("parse", "--json", str(path)))
    assert parsed["banner"] == "UNCLASSIFIED//SBU"
    classified = (DATA / "09BOGOTA3271.txt").read_text("utf-8").replace("SIPDIS", "SENSITIVE")
    path.write_text(classified, "utf-8")
    parsed = json.loads(run("parse", "--json", str(path)))
    assert parsed["banner"] == "SECRET//NOFORN"  # SENSITIVE on a classified cable stays out


def test_view_prints_the_readers_view() -> None:
    result = bcm("view", str(SEED), "--nationality", "JPN", "--level", "SECRET")
    assert result.returncode == 0
    assert result.stdout.startswith("UNCLASSIFIED\nPARTIAL VIEW")
    assert "17. (U)" in result.stdout
    assert "9. (C)" not in result.stdout
    cleared = run("view", str(SEED), "--nationality", "usa", "--level", "C")
    assert cleared.startswith("CONFIDENTIAL//NOFORN\nPARTIAL VIEW")
    assert "9. (C)" in cleared


def test_view_with_a_bad_clearance_is_one_line_error() -> None:
    result = bcm("view", str(SEED), "--nationality", "JPN", "--level", "SUPER SECRET")
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_render_takes_the_parse_json_shape(tmp_path: Path) -> None:
    parsed = run("parse", "--json", str(SEED))
    shape = tmp_path / "seed.json"
    shape.write_text(parsed, "utf-8")
    again = tmp_path / "again.txt"
    again.write_text(run("render", str(shape)), "utf-8")
    reparsed = json.loads(run("parse", "--json", str(again)))
    original = json.loads(parsed)
    for key in CONTRACT_FIELDS - {"file", "warnings"}:
        assert reparsed[key] == original[key], key


def test_render_rejects_bad_json_on_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    result = bcm("render", str(bad))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_lint_prints_findings_and_exits_1_only_when_there_are_any() -> None:
    result = bcm("lint", str(SEED), *map(str, CABLES))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{SEED}: declared banner SECRET lacks NOFORN")
    assert run("lint", *map(str, CABLES)) == ""

"""``bcm marking`` and ``bcm demo`` through the installed console script (a subprocess).

The CLI contract of issue #2: exit codes 0/1/2/3, JSON shapes, one line per error, and
never a traceback on bad input. Each ``bcm`` start costs about a second (it imports every
command), so tables run in one output mode and a few cases in both.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BCM = Path(sys.executable).parent / "bcm"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(BCM), *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def as_json(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("marking", "canonical", "banner"),
    [
        ("(S/NF)", "(S//NF)", "SECRET//NOFORN"),
        ("(C)", "(C)", "CONFIDENTIAL"),
        ("(c/rel germany)", "(C//REL TO USA, DEU)", "CONFIDENTIAL//REL TO USA, DEU"),
        ("secret//rel to usa, jpn", "SECRET//REL TO USA, JPN", "SECRET//REL TO USA, JPN"),
        ("(SBU)", "(U//SBU)", "UNCLASSIFIED//SBU"),
        ("(C - ENTIRE TEXT)", "(C)", "CONFIDENTIAL"),
    ],
)
def test_check_valid(marking: str, canonical: str, banner: str) -> None:
    shaped = run("marking", "check", marking, "--json")
    assert shaped.returncode == 0
    assert as_json(shaped) == {
        "valid": True,
        "canonical": canonical,
        "banner": banner,
        "errors": [],
    }


@pytest.mark.parametrize(
    ("marking", "rules"),
    [
        ("SECRET//NOFORN/REL TO USA, CAN", ["noforn-with-rel-to"]),
        ("SECRET//REL TO CAN, USA", ["rel-to-usa-first"]),
        ("S//FOUO", ["fouo-only-unclassified"]),
        ("(S//FOUO)", ["fouo-only-unclassified"]),
        ("TOP/SECRET", ["unknown-level"]),
        ("", ["empty"]),
        ("((((", ["parentheses"]),
    ],
)
def test_check_invalid(marking: str, rules: list[str]) -> None:
    plain = run("marking", "check", marking)
    assert plain.returncode == 1
    lines = plain.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == rules  # one line per error


def test_check_plain_and_json_agree() -> None:
    valid = run("marking", "check", "(S/NF)")
    assert valid.returncode == 0
    assert valid.stdout.strip() == "(S//NF)"
    data = as_json(run("marking", "check", "SECRET//NOFORN/REL TO CAN", "--json"))
    assert data["valid"] is False
    assert data["canonical"] is None
    assert data["banner"] is None
    assert [e["rule"] for e in data["errors"]] == ["rel-to-usa-first", "noforn-with-rel-to"]  # type: ignore[union-attr]


def test_check_suggests_the_canonical_form() -> None:
    result = run("marking", "check", "SECRET//REL TO CAN, USA")
    assert "SECRET//REL TO USA, CAN" in result.stderr


def test_rollup_seed_portions() -> None:
    result = run("marking", "rollup", "(S/NF)", "C", "(U)")
    assert result.returncode == 0
    assert result.stdout.strip() == "SECRET//NOFORN"
    assert as_json(run("marking", "rollup", "S/NF", "C", "U", "--json")) == {
        "banner": "SECRET//NOFORN",
        "errors": [],
    }


def test_rollup_names_the_invalid_portion() -> None:
    result = run("marking", "rollup", "(S/NF)", "(S//FOUO)")
    assert result.returncode == 1
    assert "(S//FOUO)" in result.stdout
    data = as_json(run("marking", "rollup", "(S/NF)", "(S//FOUO)", "--json"))
    assert data["banner"] is None
    assert data["errors"] == [
        {
            "rule": "fouo-only-unclassified",
            "message": "portion '(S//FOUO)': FOUO is only valid on UNCLASSIFIED",
        }
    ]


DECIDE = [
    (["--nationality", "USA", "--level", "CONFIDENTIAL", "(C)"], 0, True),
    (["--nationality", "USA", "--level", "C", "(S/NF)"], 3, False),
    (["--nationality", "JPN", "--level", "SECRET", "(C)"], 3, False),
    (["--nationality", "JPN", "--level", "S", "(S//REL TO USA, JPN)"], 0, True),
    (["--nationality", "JPN", "--level", "top secret", "--owner", "JPN", "(S//NF)"], 0, True),
    (["--nationality", "USA", "--level", "TS", "--owner", "JPN", "(S//NF)"], 3, False),
    (["--nationality", "USA", "--level", "TS", "--compartment", "SI-G",
      "--authorization", "ORCON", "TOP SECRET//SI-G//ORCON/NOFORN"], 0, True),
    (["--nationality", "DEU", "--level", "S", "--group", "NATO", "SECRET//REL TO USA, NATO"],
     0, True),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "allowed"), DECIDE)
def test_decide(args: list[str], code: int, allowed: bool) -> None:
    shaped = run("marking", "decide", *args, "--json")
    assert shaped.returncode == code
    data = as_json(shaped)
    assert set(data) == {"allowed", "reason"}
    assert data["allowed"] is allowed
    assert data["reason"]


def test_decide_plain_prints_the_reason() -> None:
    denied = run("marking", "decide", "--nationality", "JPN", "--level", "S", "(C)")
    assert denied.returncode == 3
    assert "no release decision" in denied.stdout


def test_decide_invalid_label_exits_1() -> None:
    result = run("marking", "decide", "--nationality", "JPN", "--level", "S", "SEKRIT")
    assert result.returncode == 1
    assert "invalid label" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["marking", "decide", "--nationality", "XXQ", "--level", "S", "(C)"],
        ["marking", "decide", "--nationality", "JPN", "--level", "SEKRIT", "(C)"],
        ["marking", "decide", "--nationality", "JPN", "--level", "S", "--group", "NOPE", "(C)"],
        ["marking", "rollup"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.strip()


def test_demo_tour() -> None:
    result = run("demo", "--tour-only")
    assert result.returncode == 0
    assert "SECRET//NOFORN" in result.stdout
    assert "(S//NF)" in result.stdout
    assert "Japanese SECRET reader" in result.stdout

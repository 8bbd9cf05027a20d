"""The data-plane commands end to end on a real SQLite file: bcm init, person, clearance,
body, item — JSON output, one-line errors naming the field, nothing written on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bcm.cli.main import main
from tests.storage.backends import CHART

REL = "SECRET//REL TO USA, JPN"


class Bcm:
    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = tmp_path / "bcm.db"
        self.url = f"sqlite:///{self.db}"
        self.chart = tmp_path / "chart.yaml"
        self.chart.write_text(CHART)
        self.capsys = capsys

    def __call__(self, *args: str, code: int = 0) -> tuple[str, str]:
        with pytest.raises(SystemExit) as done:
            main([*args, "--database", self.url])
        out, err = self.capsys.readouterr()
        assert done.value.code == code, (out, err)
        return out, err

    def json(self, *args: str) -> Any:
        out, _ = self(*args, "--json")
        return json.loads(out)


@pytest.fixture
def bcm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Bcm:
    return Bcm(tmp_path, capsys)


@pytest.fixture
def loaded(bcm: Bcm) -> Bcm:
    bcm("init", "--org-chart", str(bcm.chart))
    return bcm


def test_init_loads_the_chart_and_refuses_to_clobber_without_reset(bcm: Bcm) -> None:
    result = bcm.json("init", "--org-chart", str(bcm.chart))
    assert result["loaded"]["people"] == 22
    assert result["node"]
    _, err = bcm("init", code=1)
    assert err.count("\n") == 1
    assert "--reset" in err
    again = bcm.json("init", "--reset")
    assert again["node"] != result["node"]
    assert bcm.json("person", "list") == []


def test_a_malformed_chart_names_field_and_line_and_creates_nothing(
    bcm: Bcm, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CHART.replace("organization: usfj-j2\n", "organization: usfj-j9\n", 1))
    _, err = bcm("init", "--org-chart", str(bad), code=1)
    line = CHART.splitlines().index("    organization: usfj-j2") + 1
    assert f"organization (line {line}): a known organization key (got 'usfj-j9')" in err
    assert err.startswith("bcm: people[")
    assert "Traceback" not in err
    assert not bcm.db.exists()


def test_post_list_show_as_a_person_through_the_policy(loaded: Bcm) -> None:
    posted = loaded.json(
        "item", "post", "bcc-yokota", "--as", "k.reyes", "--label", REL, "--text", "Launch"
    )
    assert (posted["seq"], posted["label"]) == (1, REL)
    listed = loaded.json("item", "list", "bcc-yokota", "--as", "d.ogawa")
    assert [i["id"] for i in listed] == [posted["id"]]
    out, _ = loaded("item", "show", posted["id"], "--as", "d.ogawa")
    assert out.splitlines()[0] == REL
    assert "Launch" in out
    _, err = loaded("item", "show", posted["id"], "--as", "t.aoki", code=1)
    assert err == f"bcm: item {posted['id']!r} not found\n"
    assert loaded.json("item", "count", "bcc-yokota", "--as", "t.aoki")["count"] == 0
    marked = loaded.json(
        "item",
        "post",
        "intel-us",
        "--as",
        "p.nguyen",
        "--paragraph",
        "(S//NF) one",
        "--paragraph",
        "(TS//SI//NF) two",
    )
    assert marked["label"] == "TOP SECRET//SI//NOFORN"


def test_a_label_above_the_ceiling_is_one_line_naming_the_field(loaded: Bcm) -> None:
    _, err = loaded(
        "item",
        "post",
        "jcg-technical",
        "--as",
        "m.okafor",
        "--label",
        "SECRET",
        "--text",
        "x",
        code=1,
    )
    assert err.startswith("bcm: label: a label within body jcg-technical's ceiling")
    assert loaded.json("item", "count", "jcg-technical", "--as", "t.aoki")["count"] == 0


def test_the_clearance_workflow_and_revocation_from_the_command_line(loaded: Bcm) -> None:
    request = loaded.json(
        "clearance",
        "request",
        "m.ueda",
        "--as",
        "e.hayashi",
        "--level",
        "SECRET",
        "--until",
        "2027-06-30",
        "--justification",
        "frequency coordination",
    )
    grant = loaded.json("clearance", "approve", request["id"], "--as", "so.kaneda")
    assert grant["level"] == "S"
    assert grant["acknowledged_at"] is None
    loaded("clearance", "acknowledge", grant["id"], "--as", "m.ueda")
    [req] = loaded.json("clearance", "requests")
    assert req["status"] == "approved"
    loaded("item", "post", "bcc-mod", "--as", "d.ogawa", "--label", REL, "--text", "x")
    [held] = loaded.json("clearance", "list", "--person", "d.ogawa")
    loaded("clearance", "revoke", held["id"], "--as", "so.kaneda", "--reason", "reassigned")
    assert loaded.json("item", "list", "bcc-mod", "--as", "d.ogawa") == []
    _, err = loaded("clearance", "revoke", held["id"], "--as", "so.harper", "--reason", "x", code=1)
    assert "security officer of USA" in err


def test_people_and_bodies_are_managed_by_the_operator(loaded: Bcm) -> None:
    _, err = loaded(
        "person",
        "add",
        "--as",
        "ops.sato",
        "--login",
        "n.new",
        "--name",
        "N",
        "--nationality",
        "JPN",
        "--organization",
        "nowhere",
        code=1,
    )
    assert err == "bcm: organization: a known organization key (got 'nowhere')\n"
    added = loaded.json(
        "person",
        "add",
        "--as",
        "ops.sato",
        "--login",
        "n.new",
        "--name",
        "N",
        "--nationality",
        "JPN",
        "--organization",
        "mod-ops",
    )
    assert added["login"] == "n.new"
    body = loaded.json(
        "body",
        "add",
        "--as",
        "ops.sato",
        "--key",
        "ops-cell",
        "--name",
        "Ops cell",
        "--kind",
        "operations",
        "--ceiling",
        REL,
        "--organization",
        "mod-ops",
    )
    assert body["membership"]["organizations"] == [added["organization"]]
    updated = loaded.json(
        "body", "member", "add", "ops-cell", "--as", "ops.sato", "--person", "k.reyes"
    )
    assert len(updated["membership"]["people"]) == 1
    _, err = loaded(
        "body",
        "add",
        "--as",
        "k.reyes",
        "--key",
        "x",
        "--name",
        "x",
        "--kind",
        "general",
        "--ceiling",
        REL,
        code=1,
    )
    assert "operator" in err
    assert "ops-cell" in loaded("body", "list")[0]
    loaded("person", "mode", "exercise", "--as", "k.reyes")
    assert loaded.json("person", "show", "k.reyes")["mode"] == "exercise"


def test_migrate_brings_an_initialized_database_to_head(bcm: Bcm) -> None:
    _, err = bcm("migrate", code=1)
    assert "bcm init" in err
    bcm("init")
    assert bcm.json("migrate")["migrated"] is True

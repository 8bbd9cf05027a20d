"""Org chart loading: what it creates, and bad charts naming the field and line, writing
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcm.bootstrap import init_database
from bcm.domain.clock import FakeClock
from bcm.domain.model import Role, Stage
from bcm.errors import InvalidInput
from bcm.services import audit, bodies, clearances, people
from bcm.services.core import Services
from bcm.services.orgchart import load_org_chart
from bcm.storage.memory import MemoryStore
from tests.storage.backends import CHART


def fresh() -> Services:
    return Services(MemoryStore(), FakeClock())


def test_the_example_chart_loads_whole() -> None:
    services = fresh()
    summary = services.run(load_org_chart, CHART)
    assert (summary.nations, summary.people, summary.bodies) == (2, 22, 7)
    assert summary.clearances == 21  # everyone but the operator
    operator = services.run(people.get_person, "ops.sato")
    assert summary.operator == operator.id
    assert Role.OPERATOR in operator.roles
    radar = services.run(people.get_person, "feed.radar")
    assert radar.kind.value == "machine"
    centers = [b for b in services.run(bodies.list_bodies) if b.kind.value == "center-watch"]
    assert sorted(b.key for b in centers) == ["bcc-mod", "bcc-yokota"]
    assert {b.stage for b in centers} == {Stage.STANDBY}
    [grant] = services.run(clearances.list_clearances, "d.ogawa")
    assert grant.granted_by == services.run(people.get_person, "so.kaneda").id
    assert grant.obligations[0].startswith("Act on the Protection of Specially Designated")
    last = services.run(audit.list_records)[-1]
    assert (last.entry.action, last.entry.actor) == ("orgchart.load", operator.id)


BASE = """\
nations:
  - {code: USA, name: United States}
organizations:
  - {key: emb, name: Embassy, nation: USA}
people:
  - login: op
    name: Op
    nationality: USA
    organization: emb
    roles: [operator]
"""


@pytest.mark.parametrize(
    ("chart", "field", "line"),
    [
        (
            BASE + "  - {login: x, name: X, nationality: USA, organization: nowhere}\n",
            "people[1].organization",
            11,
        ),
        (BASE.replace("nation: USA}", "nation: XX}"), "organizations[0].nation", 4),
        (
            BASE + "  - {login: op, name: Twin, nationality: USA, organization: emb}\n",
            "people[1].login",
            11,
        ),
        (
            BASE + "  - {login: y, name: Y, nationality: USA, organization: emb, roles: [king]}\n",
            "people[1].roles[0]",
            11,
        ),
        (
            BASE + "  - {login: z, name: Z, nationality: USA, organization: emb, colour: red}\n",
            "people[1].colour",
            11,
        ),
        (
            BASE + "bodies:\n  - {key: b, name: B, ceiling: SECRET, members: {people: [ghost]}}\n",
            "bodies[0].members.people[0]",
            12,
        ),
        (
            BASE + "bodies:\n  - {key: b, name: B, ceiling: SECRET//BOGUS}\n",
            "bodies[0].ceiling",
            12,
        ),
        (
            BASE + "bodies:\n  - {key: b, name: B, kind: club, ceiling: SECRET}\n",
            "bodies[0].kind",
            12,
        ),
        (
            BASE + "  - {login: c, name: C, nationality: USA, organization: emb,\n"
            "     clearance: {level: SECRET, valid_until: 2027-01-01, granted_by: op}}\n",
            "people[1].clearance.granted_by",
            12,
        ),
        (
            BASE.replace("[operator]", "[operator, security-officer]")
            + "  - {login: d, name: D, nationality: USA, organization: emb,\n"
            "     clearance: {level: SUPER, valid_until: 2027-01-01, granted_by: op}}\n",
            "people[1].clearance.level",
            12,
        ),
        ("nations: [\n", "org chart", 2),
        ("nations:\n  - {code: usa, name: U}\n", "nations[0].code", 2),
        ("people: 3\n", "people", 1),
    ],
)
def test_a_bad_chart_names_the_field_and_line_and_writes_nothing(
    chart: str, field: str, line: int
) -> None:
    services = fresh()
    with pytest.raises(InvalidInput) as error:
        services.run(load_org_chart, chart)
    assert (error.value.field, error.value.line) == (field, line)
    assert f"(line {line})" in str(error.value)
    assert services.run(people.list_people) == []
    assert services.run(audit.list_records) == []


def test_init_with_a_bad_chart_creates_no_database(tmp_path: Path) -> None:
    target = tmp_path / "bcm.db"
    bad = BASE + "  - {login: x, name: X, nationality: USA, organization: nowhere}\n"
    with pytest.raises(InvalidInput, match=r"people\[1\]\.organization"):
        init_database(f"sqlite:///{target}", org_chart=bad)
    assert not target.exists()


def test_the_shipped_example_chart_loads() -> None:
    shipped = Path(__file__).parents[2] / "examples" / "org-chart.yaml"
    summary = fresh().run(load_org_chart, shipped.read_text(encoding="utf-8"))
    assert summary.people > 0
    assert summary.bodies > 0

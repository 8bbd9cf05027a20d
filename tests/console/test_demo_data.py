"""``make demo``'s console content: the three printed logins see the same watch floor through
their own clearances."""

from __future__ import annotations

from pathlib import Path

from bcm.bootstrap import init_database, open_services
from bcm.domain.clock import FakeClock
from bcm.services import items, people
from bcm.web.console.demo_data import WATCH_FLOOR, seed_console_demo

CHART = Path(__file__).resolve().parents[1] / "data" / "console" / "org-chart.yaml"


def test_the_three_logins_see_the_watch_floor_through_their_own_clearances(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    clock = FakeClock()
    init_database(url, org_chart=CHART.read_text(encoding="utf-8"), clock=clock)
    services = open_services(url, clock=clock)
    try:
        logins = seed_console_demo(services)
        seen = {}
        for demo in logins:
            actor = services.run(people.get_person, demo.login).id
            found = services.run(items.access_items_by_body, WATCH_FLOOR, actor=actor)
            seen[demo.login] = sorted(item.label for item in found)
        technical = services.run(
            items.access_items_by_body,
            "jcg-technical",
            actor=services.run(people.get_person, "y.mori").id,
        )
    finally:
        services.close()
    assert [demo.login for demo in logins] == ["k.reyes", "y.mori", "t.aoki"]
    assert seen["k.reyes"] == [
        "CONFIDENTIAL//REL TO USA, JPN",
        "SECRET//NOFORN",
        "SECRET//REL TO USA, JPN",
        "UNCLASSIFIED",
        "UNCLASSIFIED//FOUO",
    ]
    assert seen["y.mori"] == [
        "CONFIDENTIAL//REL TO USA, JPN",
        "SECRET//REL TO USA, JPN",
        "UNCLASSIFIED",
        "UNCLASSIFIED//FOUO",
    ]
    assert seen["t.aoki"] == ["UNCLASSIFIED", "UNCLASSIFIED//FOUO"]
    assert len(technical) == 2  # the liaison now also reads the technical group

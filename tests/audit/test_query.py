"""``bcm audit query``: who saw this item, what did this person see and do — security
officers only, every query (answered or refused) recorded in the chain."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bcm.audit.verify import verify_database
from bcm.bootstrap import open_services
from bcm.services import audit, items, people
from tests.audit.cli import bcm
from tests.audit.conftest import Copies
from tests.audit.world import Copy


def _last_records(copy: Copy, count: int) -> list[audit.AuditRecord]:
    services = open_services(copy.url)
    try:
        return services.run(audit.list_records)[-count:]
    finally:
        services.close()


def _first_item(copy: Copy) -> str:
    services = open_services(copy.url)
    try:
        reyes = services.run(people.get_person, "k.reyes").id
        return services.run(items.access_items_by_body, "bcc-yokota", actor=reyes)[0].id
    finally:
        services.close()


def test_who_saw_this_item_lists_posts_reads_denials_and_lists(
    copies: Copies, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copies("sqlite")
    item = _first_item(copy)
    code, out, _ = bcm(
        capsys, "audit", "query", "--as", "so.harper", "--item", item, "--database", copy.url,
        "--json",
    )  # fmt: skip
    assert code == 0
    found = json.loads(out)
    seen = {(r["login"], r["action"], r["allowed"]) for r in found}
    assert ("k.reyes", "item.post", None) in seen
    assert ("d.ogawa", "item.read", True) in seen  # by position, a member of bcc-yokota
    assert ("h.takeda", "item.read", False) in seen  # not a member: denied, and recorded
    assert ("k.reyes", "item.list", True) in seen  # _first_item listed it
    for record in found:
        returned = [r[0] for r in record["detail"].get("returned", [])]
        assert record["target"] == item or item in returned
    query = _last_records(copy, 1)[0]
    assert (query.entry.action, query.entry.target, query.entry.allowed) == (
        "audit.query",
        item,
        True,
    )
    assert query.entry.detail["count"] == len(found)
    assert verify_database(copy.url, key_file=copy.key_file).ok


def test_what_this_person_did_within_a_window(
    copies: Copies, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copies("sqlite")
    args = ("audit", "query", "--as", "so.kaneda", "--person", "d.ogawa", "--database", copy.url)
    code, out, _ = bcm(capsys, *args, "--json")
    everything = json.loads(out)
    assert code == 0
    assert {r["login"] for r in everything} == {"d.ogawa"}
    assert {r["action"] for r in everything} == {"item.post", "item.read"}
    times = sorted(r["at"] for r in everything)
    middle = times[len(times) // 2]
    code, out, _ = bcm(capsys, *args, "--from", middle, "--to", times[-1], "--json")
    windowed = json.loads(out)
    assert code == 0
    assert [r["seq"] for r in windowed] == [r["seq"] for r in everything if r["at"] >= middle]
    code, out, _ = bcm(capsys, *args, "--to", "2020-01-01T00:00:00+09:00")
    assert (code, out.strip()) == (0, "no audit records match")
    assert datetime.fromisoformat(middle) > datetime(2026, 1, 1, tzinfo=UTC)


def test_only_security_officers_may_query_and_a_refusal_is_recorded(
    copies: Copies, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copies("sqlite")
    code, out, err = bcm(
        capsys, "audit", "query", "--as", "k.reyes", "--person", "d.ogawa", "--database", copy.url
    )
    assert (code, out, err) == (1, "", "bcm: k.reyes lacks the security-officer role\n")
    refusal = _last_records(copy, 1)[0]
    assert (refusal.entry.action, refusal.entry.allowed, refusal.entry.target) == (
        "audit.query",
        False,
        "d.ogawa",
    )


ONE_OF = "bcm: query: exactly one of --item ID or --person LOGIN\n"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), ONE_OF),
        (("--item", "x", "--person", "y"), ONE_OF),
        (
            ("--person", "d.ogawa", "--from", "noon"),
            "bcm: --from: an ISO 8601 time, e.g. 2026-02-20T09:00:00Z\n",
        ),
        (
            ("--person", "d.ogawa", "--from", "2026-03-01", "--to", "2026-02-01"),
            "bcm: --from: a time not after --to\n",
        ),
        (("--person", "nobody"), "bcm: person 'nobody' not found\n"),
    ],
)
def test_bad_queries_are_one_line_errors(
    copies: Copies, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], message: str
) -> None:
    copy = copies("sqlite")
    code, out, err = bcm(
        capsys, "audit", "query", "--as", "so.harper", "--database", copy.url, *extra
    )
    assert (code, out, err) == (1, "", message)

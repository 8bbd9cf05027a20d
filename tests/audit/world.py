"""A small populated node for the audit and backup tests: the example org chart, items
posted and read (allowed and denied), checkpoints, and a tamper toolkit that rewrites the
audit table directly in SQL, as an attacker with database access would."""

from __future__ import annotations

import contextlib
import dataclasses
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, text

from bcm.audit.node import take_checkpoint
from bcm.bootstrap import init_database, open_services
from bcm.domain.audit import AuditRecord
from bcm.domain.clock import FakeClock
from bcm.errors import NotFound
from bcm.services import items, people
from bcm.services.core import Services
from bcm.storage import chain
from bcm.storage.engine import normalize_url

CHART = (Path(__file__).parents[1] / "data" / "audit" / "org-chart.yaml").read_text()
COLUMNS = ("id", "node", "at", "actor", "action", "target", "label", "allowed", "prev_hash")
POSTS = (
    ("k.reyes", "bcc-yokota", "SECRET//REL TO USA, JPN", "launch indications near the coast"),
    ("p.nguyen", "intel-us", "TOP SECRET//SI//NOFORN", "signals intercept on the launch site"),
    ("d.ogawa", "bcc-mod", "SECRET//REL TO USA, JPN", "impact prediction sea of japan"),
    ("k.reyes", "jcg-technical", "UNCLASSIFIED//FOUO", "airspace closure request"),
)
READERS = ("h.takeda", "d.ogawa", "t.aoki", "m.okafor", "k.reyes")


def populate(url: str, key_file: Path, *, rounds: int = 2) -> int:
    """Initialize ``url`` with the node key at ``key_file``, post and read items, sign a
    checkpoint after each round; returns the number of audit records."""
    clock = FakeClock()
    init_database(url, org_chart=CHART, clock=clock, key_file=str(key_file))
    services = open_services(url, clock=clock)
    try:
        for _ in range(rounds):
            activity(services, clock)
            take_checkpoint(services, url, key_file)
        return len(services.run(lambda tx: tx.uow.audit_records()))
    finally:
        services.close()


def activity(services: Services, clock: FakeClock) -> list[str]:
    """One round of posts and reads (some denied); returns the ids posted."""
    posted = []
    for login, body, label, words in POSTS:
        clock.advance(timedelta(seconds=7))
        actor = services.run(people.get_person, login).id
        item = services.run(items.post_item, body, label=label, text=words, actor=actor)
        posted.append(item.id)
    for login in READERS:
        actor = services.run(people.get_person, login).id
        for ident in posted:
            with contextlib.suppress(NotFound):
                services.run(items.access_item_by_id, ident, actor=actor)
    return posted


# -- tampering, directly in SQL ----------------------------------------------------------------


def connect(url: str) -> Any:
    """A plain engine (no BCM connection hooks) for tampering."""
    return create_engine(normalize_url(url))


def rows(conn: Connection) -> list[dict[str, Any]]:
    """Every audit row, by seq."""
    result = conn.execute(text("SELECT * FROM audit ORDER BY seq")).mappings()
    return [dict(r) for r in result]


def changed(value: Any) -> Any:
    """A different value of the same kind (and width, for fixed-width columns)."""
    if value is None:
        return "01a00000-0000-7000-8000-000000000000"
    if isinstance(value, bool):
        return not value
    if isinstance(value, bytes | memoryview):
        data = bytearray(bytes(value))
        data[len(data) // 2] ^= 0x01
        return bytes(data)
    last = "0" if value[-1] != "0" else "1"
    return value[:-1] + last


def modify(conn: Connection, seq: int, column: str) -> None:
    """Change one stored column of record ``seq``."""
    old = conn.execute(text(f"SELECT {column} FROM audit WHERE seq = :s"), {"s": seq}).scalar()
    new = (old is None or not old) if column == "allowed" else changed(old)
    update = text(f"UPDATE audit SET {column} = :v WHERE seq = :s")
    conn.execute(update, {"v": new, "s": seq})


def delete(conn: Connection, seq: int) -> None:
    """Remove record ``seq``."""
    conn.execute(text("DELETE FROM audit WHERE seq = :s"), {"s": seq})


def shift_up(conn: Connection, start: int) -> None:
    """Make room at ``start``: records from ``start`` on move one seq up (in two steps, so
    the primary key is never violated mid-update)."""
    conn.execute(text("UPDATE audit SET seq = -seq WHERE seq >= :s"), {"s": start})
    conn.execute(text("UPDATE audit SET seq = 1 - seq WHERE seq < 0"))


def insert_row(conn: Connection, record: AuditRecord) -> None:
    """Insert ``record`` with its derived columns."""
    columns = chain.audit_columns(record)
    names = ", ".join(columns)
    values = ", ".join(f":{n}" for n in columns)
    conn.execute(text(f"INSERT INTO audit ({names}) VALUES ({values})"), columns)


def insert_forged(conn: Connection, seq: int) -> None:
    """Insert a well-formed record at ``seq``, chained onto the record before it."""
    all_rows = rows(conn)
    before = all_rows[seq - 2]["hash"] if seq > 1 else chain.GENESIS
    model = chain.record_from_canonical(bytes(all_rows[seq - 1]["canonical"]))
    entry = model.entry
    forged = chain.chain(seq, "01a00000-0000-7000-8000-00000000f0f0", model.node, entry, before)
    shift_up(conn, seq)
    insert_row(conn, forged)


def insert_copy(conn: Connection, seq: int, source: int) -> None:
    """Insert a verbatim copy of record ``source`` (new id) at ``seq``."""
    row = rows(conn)[source - 1]
    shift_up(conn, seq)
    # the hash column is unique: a copy that kept it could not even be stored
    row = dict(row, seq=seq, id="01a00000-0000-7000-8000-00000000c0c0", hash=changed(row["hash"]))
    names = ", ".join(row)
    values = ", ".join(f":{n}" for n in row)
    conn.execute(text(f"INSERT INTO audit ({names}) VALUES ({values})"), row)


def swap(conn: Connection, first: int, second: int) -> None:
    """Exchange the positions of two records."""
    update = text("UPDATE audit SET seq = :to WHERE seq = :s")
    conn.execute(update, {"to": -1, "s": first})
    conn.execute(update, {"to": first, "s": second})
    conn.execute(update, {"to": second, "s": -1})


def rechain(
    conn: Connection, start: int, edit: Callable[[AuditRecord], AuditRecord] | None = None
) -> None:
    """Rewrite record ``start`` with ``edit`` and re-chain every later record consistently:
    what a forger who knows the format (but not the key) can do."""
    all_rows = rows(conn)
    prev = all_rows[start - 2]["hash"] if start > 1 else chain.GENESIS
    for row in all_rows[start - 1 :]:
        record = chain.record_from_canonical(bytes(row["canonical"]))
        if edit is not None and record.seq == start:
            record = edit(record)
        rebuilt = chain.chain(record.seq, record.id, record.node, record.entry, prev)
        conn.execute(text("DELETE FROM audit WHERE seq = :s"), {"s": rebuilt.seq})
        insert_row(conn, rebuilt)
        prev = rebuilt.hash


def actions(conn: Connection) -> list[str]:
    """The action of each record, by seq."""
    return [r["action"] for r in rows(conn)]


def pick(rng: random.Random, options: Sequence[int]) -> int:
    """A random choice (a helper so tests read as what they pick)."""
    return rng.choice(list(options))


@dataclass
class Copy:
    """A copy of the populated database, with the node key and witness beside it."""

    url: str
    key_file: Path
    records: int


def replace_entry(record: AuditRecord, **changes: Any) -> AuditRecord:
    """``record`` with some entry fields replaced."""
    return dataclasses.replace(record, entry=dataclasses.replace(record.entry, **changes))

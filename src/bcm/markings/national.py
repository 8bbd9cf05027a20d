"""National equivalence: labels in another nation's classification terms, and back.

The tables are data (``data/equivalence/<NATION>.json``), not code: the bilateral
information-security agreement defines them, and each side's security officer confirms
them. The shipped Japan table is an EXAMPLE until confirmed (``status``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bcm.errors import MarkingError
from bcm.markings.check import parse_label
from bcm.markings.levels import Level
from bcm.markings.model import Label
from bcm.markings.render import render_banner
from bcm.markings.vocab import equivalence_table


@dataclass(frozen=True, slots=True)
class Equivalence:
    """One nation's table: U.S. level -> national term, and national term -> U.S. level."""

    nation: str
    status: str
    warning: str
    outgoing: dict[Level, str]
    incoming: dict[str, tuple[Level, tuple[str, ...]]]

    @property
    def confirmed(self) -> bool:
        """True only once a security officer has confirmed the table."""
        return self.status == "CONFIRMED"


def equivalence(nation: str) -> Equivalence:
    """The equivalence table of ``nation`` (``MarkingError`` when there is none)."""
    code = nation.strip().upper()
    table = equivalence_table(code) if re.fullmatch(r"[A-Z]{3}", code) else None
    if table is None:
        raise MarkingError(
            nation, [("no-equivalence", f"no equivalence table for {nation!r}")], field="nation"
        )
    return _from_json(code, table)


def _from_json(code: str, table: dict[str, Any]) -> Equivalence:
    outgoing = {Level[row["us"]]: row["term"] for row in table["levels"]}
    incoming = {row["term"]: (Level[row["us"]], tuple(row.get("controls", ()))) for row in table["incoming"]}  # fmt: skip  # noqa: E501
    for level, term in outgoing.items():
        incoming.setdefault(term, (level, ()))
    return Equivalence(code, table["status"], table.get("warning", ""), outgoing, incoming)


def national_terms(label: Label, nation: str) -> str:
    """``label``'s banner with the level in ``nation``'s terms: ``極秘//REL TO USA, JPN``.

    Controls stay in their U.S. form (they are U.S. caveats both sides handle). A level the
    table does not name (RESTRICTED in the Japan table) is shown under the next higher term,
    which protects the material at least as well.
    """
    if nation.strip().upper() == "USA":
        return render_banner(label)
    table = equivalence(nation)
    term = next(
        table.outgoing[level] for level in Level if level >= label.level and level in table.outgoing
    )
    _, _, rest = render_banner(_as_us(label)).partition("//")
    return f"{term}//{rest}" if rest else term


def _as_us(label: Label) -> Label:
    """The same label with a plain class part, so that only categories follow the term."""
    from dataclasses import replace

    return replace(label, owner="USA", joint=(), non_us=())


def from_national_terms(text: str, nation: str) -> Label:
    """``極秘//REL TO USA, JPN`` (a national term, optionally U.S. categories) -> Label owned
    by ``nation``."""
    table = equivalence(nation)
    term, _, rest = text.strip().partition("//")
    found = table.incoming.get(term.strip())
    if found is None:
        raise MarkingError(
            text,
            [("unknown-national-term", f"{term!r} is not in the {table.nation} equivalence table")],
        )
    level, controls = found
    banner = "//".join(part for part in (level.word, rest, "/".join(controls)) if part)
    return parse_label(banner, owner=table.nation)

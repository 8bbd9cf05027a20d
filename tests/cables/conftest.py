"""Shared helpers for the telegram tests: the test data lives in tests/data/cables/."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcm.cables import Telegram, parse

DATA = Path(__file__).resolve().parents[1] / "data" / "cables"
SEED = DATA / "000_3f3ff9ff9bfb6ca5.txt"
CABLES = sorted(DATA.glob("[0-9][0-9][A-Z]*.txt"))


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed() -> Telegram:
    return parse(read(SEED))

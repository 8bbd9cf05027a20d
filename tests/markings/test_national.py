"""National equivalence tables (data files) and the Japan example table."""

from __future__ import annotations

import pytest

from bcm.markings import (
    Level,
    MarkingError,
    equivalence,
    from_national_terms,
    national_terms,
    parse_label,
)


def test_japan_table_is_marked_as_an_example() -> None:
    table = equivalence("JPN")
    assert table.status == "EXAMPLE"
    assert not table.confirmed
    assert "security officer" in table.warning


@pytest.mark.parametrize(
    ("banner", "japanese"),
    [
        ("TOP SECRET//NOFORN", "機密//NOFORN"),
        ("SECRET//REL TO USA, JPN", "極秘//REL TO USA, JPN"),
        ("CONFIDENTIAL", "秘"),
        ("//DEU RESTRICTED", "秘"),  # no Japanese RESTRICTED: the next higher term protects it
    ],
)
def test_national_terms(banner: str, japanese: str) -> None:
    assert national_terms(parse_label(banner), "JPN") == japanese
    assert national_terms(parse_label(banner), "USA") == banner


def test_every_us_level_has_a_japanese_term_and_maps_back() -> None:
    table = equivalence("JPN")
    for level in (Level.U, Level.C, Level.S, Level.TS):
        term = table.outgoing[level]
        assert table.incoming[term][0] == level


@pytest.mark.parametrize(
    ("text", "level", "dissem"),
    [
        ("極秘//REL TO USA, JPN", Level.S, ()),
        ("秘", Level.C, ()),
        ("特定秘密", Level.TS, ()),  # a designation, mapped to the protective default
        ("部外秘", Level.U, ("FOUO",)),
    ],
)
def test_from_national_terms(text: str, level: Level, dissem: tuple[str, ...]) -> None:
    label = from_national_terms(text, "JPN")
    assert label.level == level
    assert label.owner == "JPN"
    assert label.dissem == dissem


@pytest.mark.parametrize("nation", ["XYZ", "../groups", "jp"])
def test_unknown_tables_are_marking_errors(nation: str) -> None:
    with pytest.raises(MarkingError):
        equivalence(nation)


def test_unknown_national_term() -> None:
    with pytest.raises(MarkingError):
        from_national_terms("極極秘", "JPN")

"""The body ceiling test: everyone allowed the ceiling must be allowed the item."""

from __future__ import annotations

import pytest

from bcm.domain.model import Body, BodyKind, Membership
from bcm.errors import InvalidInput
from bcm.markings import parse_label
from bcm.services.labels import check_within_ceiling


def _body(ceiling: str) -> Body:
    return Body("b-1", "node", "b", "B", BodyKind.GENERAL, ceiling, Membership())


@pytest.mark.parametrize(
    ("ceiling", "label"),
    [
        ("SECRET", "CONFIDENTIAL//NOFORN"),
        ("SECRET", "SECRET"),
        ("SECRET//REL TO USA, JPN", "CONFIDENTIAL//REL TO USA, JPN"),
        ("SECRET//REL TO USA, JPN", "UNCLASSIFIED//FOUO"),
        ("TOP SECRET//SI//NOFORN", "SECRET//NOFORN"),
        ("UNCLASSIFIED//FOUO", "UNCLASSIFIED"),
    ],
)
def test_within_the_ceiling(ceiling: str, label: str) -> None:
    check_within_ceiling(parse_label(label), _body(ceiling))


@pytest.mark.parametrize(
    ("ceiling", "label"),
    [
        ("SECRET//REL TO USA, JPN", "SECRET//NOFORN"),
        ("SECRET//REL TO USA, JPN", "CONFIDENTIAL"),  # no release decision: not for JPN members
        ("SECRET//REL TO USA, JPN", "TOP SECRET//REL TO USA, JPN"),
        ("SECRET", "TOP SECRET"),
        ("TOP SECRET//NOFORN", "TOP SECRET//SI//NOFORN"),
        ("UNCLASSIFIED//FOUO", "CONFIDENTIAL"),
    ],
)
def test_above_the_ceiling_names_the_field(ceiling: str, label: str) -> None:
    with pytest.raises(InvalidInput) as error:
        check_within_ceiling(parse_label(label), _body(ceiling), field="label")
    assert error.value.field == "label"

"""The model's quick ``__init__`` builds what the dataclass ``__init__`` would."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from bcm.cables import Addressee, Header, Paragraph, Reference, Telegram

CLASSES = [Addressee, Header, Reference, Paragraph, Telegram]


@pytest.mark.parametrize("cls", CLASSES)
def test_signature_is_the_dataclass_fields_with_their_defaults(cls: type) -> None:
    expected = [
        (f.name, inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default)
        for f in dataclasses.fields(cls)
    ]
    parameters = inspect.signature(cls).parameters.values()
    assert [(p.name, p.default) for p in parameters] == expected


def test_every_field_is_stored_and_frozen() -> None:
    built = Paragraph(3, "S//NF", "Text.", heading="SUMMARY")
    assert (built.number, built.portion, built.text, built.heading) == (
        3,
        "S//NF",
        "Text.",
        "SUMMARY",
    )
    assert built == Paragraph(number=3, portion="S//NF", text="Text.", heading="SUMMARY")
    assert hash(built) == hash(Paragraph(3, "S//NF", "Text.", "SUMMARY"))
    assert Addressee("USFJ") == Addressee("USFJ", None, None, None, ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.number = 4  # type: ignore[misc]
    assert dataclasses.replace(built, number=4).number == 4


def test_arguments_are_checked_as_before() -> None:
    with pytest.raises(TypeError):
        Paragraph(1, "S")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Reference("A", "text", "id", "extra")  # type: ignore[call-arg]

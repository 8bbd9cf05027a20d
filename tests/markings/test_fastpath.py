"""The compiled fast path and RecipientIndex."""

from __future__ import annotations

from bcm.markings import (
    Clearance,
    RecipientIndex,
    allows,
    compile_clearance,
    compile_label,
    decide,
    parse_label,
)


def subscribers() -> list[tuple[str, Clearance]]:
    return [
        ("us-conf", Clearance("USA", "C")),
        ("us-secret", Clearance("USA", "S")),
        ("us-ts-si", Clearance("USA", "TS", ["SI-G"], [], ["ORCON"])),
        ("jp-secret", Clearance("JPN", "S")),
        ("jp-secret-2", Clearance("JPN", "S")),
        ("gb-secret", Clearance("GBR", "S")),
        ("de-nato", Clearance("DEU", "S", [], ["NATO"])),
    ]


def test_recipients_match_decide() -> None:
    index: RecipientIndex[str] = RecipientIndex(subscribers())
    assert len(index) == 7
    assert index.distinct_clearances == 6
    for text in ("(C)", "(S/NF)", "(S//REL TO USA, JPN)", "SECRET//REL TO USA, FVEY",
                 "SECRET//REL TO USA, NATO", "TOP SECRET//SI-G//ORCON/NOFORN", "(U)"):  # fmt: skip
        label = parse_label(text)
        expected = {key for key, c in subscribers() if decide(c, label).allowed}
        assert set(index.recipients(label)) == expected, text
        assert set(index.recipients(compile_label(label))) == expected


def test_seed_recipients() -> None:
    index: RecipientIndex[str] = RecipientIndex(subscribers())
    assert sorted(index.recipients(parse_label("(S//REL TO USA, JPN)"))) == [
        "jp-secret", "jp-secret-2", "us-secret", "us-ts-si"]  # fmt: skip
    assert sorted(index.recipients(parse_label("(C)"))) == [
        "us-conf", "us-secret", "us-ts-si"]  # fmt: skip


def test_add_replace_remove() -> None:
    index: RecipientIndex[str] = RecipientIndex()
    label = parse_label("(S//NF)")
    index.add("a", Clearance("USA", "C"))
    assert index.recipients(label) == []
    index.add("a", Clearance("USA", "S"))  # replaced, not duplicated
    assert index.recipients(label) == ["a"]
    assert len(index) == 1
    index.remove("a")
    index.remove("a")  # absent: no error
    assert index.recipients(label) == []
    assert index.distinct_clearances == 0


def test_compiled_values_are_small_integers() -> None:
    compiled = compile_label(parse_label("TOP SECRET//SI-G//ORCON/NOFORN"))
    clearance = compile_clearance(Clearance("USA", "TS", ["SI-G"], [], ["ORCON"]))
    assert isinstance(compiled.required, int)
    assert isinstance(clearance.tokens, int)
    assert allows(clearance, compiled)
    assert compile_label(parse_label("(U)")).audience == -1  # releasable to everyone

"""Hypothesis properties of the marking core (issue #2, Acceptance)."""

from __future__ import annotations

import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bcm.markings import (
    Clearance,
    Label,
    MarkingError,
    Problem,
    allows,
    check_marking,
    compile_clearance,
    compile_label,
    covers,
    decide,
    dominates,
    parse_label,
    render_banner,
    render_portion,
    rollup,
)
from bcm.markings.check import _finish, check_uncached
from bcm.markings.parser import parse_draft
from bcm.markings.vocab import expanded_groups
from tests.markings.strategies import clearances, labels, raised


@given(labels())
def test_parse_render_round_trip(label: Label) -> None:
    assert parse_label(render_banner(label)) == label
    assert parse_label(render_portion(label)) == label
    assert check_marking(render_portion(label)).canonical == render_portion(label)


@given(labels())
def test_dominance_is_reflexive(a: Label) -> None:
    assert dominates(a, a)


@given(labels(), labels())
def test_dominance_is_antisymmetric(a: Label, b: Label) -> None:
    if dominates(a, b) and dominates(b, a):
        assert a == b


@settings(max_examples=30)  # list-of-labels strategies are the slow ones
@given(labels(us_only=True), labels(us_only=True), labels(us_only=True))
def test_dominance_is_transitive(c: Label, x: Label, y: Label) -> None:
    b = rollup([c, x])  # chains built from roll-ups, so the premises hold
    a = rollup([b, y])
    assert dominates(a, b)
    assert dominates(b, c)
    assert dominates(a, c)


@settings(max_examples=30)  # list-of-labels strategies are the slow ones
@given(labels(), labels(), labels())
def test_dominance_is_transitive_on_arbitrary_triples(a: Label, b: Label, c: Label) -> None:
    if dominates(a, b) and dominates(b, c):
        assert dominates(a, c)


@settings(max_examples=30)  # list-of-labels strategies are the slow ones
@given(st.lists(labels(us_only=True), min_size=1, max_size=5))
def test_rollup_dominates_every_portion(portions: list[Label]) -> None:
    banner = rollup(portions)
    for portion in portions:
        assert dominates(banner, portion), (str(banner), str(portion))


def _no_collapse(label: Label) -> bool:
    """No collapse rule applies: FOUO, SBU, FGI, SAP, and expandable group codes (whose
    expansion makes the intersection a set of members)."""
    return not (
        "FOUO" in label.dissem
        or {"SBU", "SBU NOFORN"} & set(label.non_ic)
        or label.fgi
        or label.fgi_concealed
        or label.sap
        or set(expanded_groups()) & set(label.rel_to + label.display_only)
    )


@settings(max_examples=30)  # list-of-labels strategies are the slow ones
@given(
    st.lists(labels(us_only=True, explicit_fd=True, plain=True), min_size=1, max_size=4),
    st.lists(labels(us_only=True, plain=True), min_size=1, max_size=2),
)
def test_rollup_is_the_least_dominating_label(portions: list[Label], extra: list[Label]) -> None:
    assert all(_no_collapse(p) for p in portions + extra)
    banner = rollup(portions)
    candidate = rollup(portions + extra)  # any roll-up of more portions dominates them all
    assert all(dominates(candidate, p) for p in portions)
    assert dominates(candidate, banner)


@given(clearances(), labels(), st.data())
def test_decide_is_monotone(clearance: Clearance, label: Label, data: st.DataObject) -> None:
    higher = data.draw(raised(clearance))
    if decide(clearance, label).allowed:
        assert decide(higher, label).allowed


@given(clearances(), labels())
def test_fast_path_agrees_with_decide(clearance: Clearance, label: Label) -> None:
    decision = decide(clearance, label)
    assert decision.reason
    assert allows(compile_clearance(clearance), compile_label(label)) is decision.allowed


@settings(max_examples=30)  # list-of-labels strategies are the slow ones
@given(clearances(), labels(), labels())
def test_covering_labels_admit_no_one_new(c: Clearance, a: Label, b: Label) -> None:
    assume(not a.sap_multiple)
    if dominates(a, b):
        assert covers(a, b)
    if covers(a, b) and decide(c, a).allowed:
        assert decide(c, b).allowed


@settings(max_examples=30)
@given(st.lists(labels(), min_size=1, max_size=4))
def test_rollup_of_valid_portions_is_a_valid_banner(portions: list[Label]) -> None:
    banner = rollup(portions)
    assert check_marking(render_banner(banner)).label == banner


@settings(max_examples=30)
@given(st.lists(labels(us_only=True), min_size=1, max_size=4), clearances())
def test_a_reader_of_the_banner_may_read_every_portion(
    portions: list[Label], clearance: Clearance
) -> None:
    banner = rollup(portions)
    assume(not banner.sap_multiple)
    if decide(clearance, banner).allowed:
        assert all(decide(clearance, p).allowed for p in portions)


@given(st.text(max_size=60))
def test_arbitrary_text_gives_a_label_or_a_clean_error(text: str) -> None:
    _label_or_error(text)


def _label_or_error(text: str) -> None:
    result = check_marking(text)
    assert result.valid is (result.label is not None)
    if result.valid:
        assert parse_label(text) == result.label
    else:
        with pytest.raises(MarkingError) as caught:
            parse_label(text)
        assert caught.value.problems


_PIECES = ["(", ")", "/", "//", " ", ",", "-", "S", "TS", "C", "U", "R", "SECRET", "TOP",
           "NOFORN", "NF", "REL", "REL TO", "USA", "GBR", "FVEY", "NATO", "JOINT", "COSMIC",
           "FGI", "SAR-", "RD-SG", "SI-G", "ACCM-", "DISPLAY ONLY", "SBU", "ENTIRE TEXT",
           "ORCON", "EXDIS", "1", "99", "É", "\t", "秘"]  # fmt: skip


def test_ten_thousand_generated_strings_never_raise() -> None:
    """A deterministic loop (cheaper than Hypothesis at this count) over marking-like noise."""
    rng = random.Random(20260126)
    for _ in range(10_000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12)))
        _label_or_error(text)


@settings(max_examples=20)
@given(st.text(min_size=1001, max_size=1100))
def test_overlong_text_is_refused(text: str) -> None:
    assert check_marking(text).problems[0].rule == "too-long"


@given(
    st.sampled_from(["TS", "S", "C", "U", "SBU", "ts", "s", "c", "u", "sbu"]),
    st.sampled_from(["", "/", "//", " / ", " // "]),
    st.sampled_from(["NF", "NOFORN", "nf"]),
    st.sampled_from(["", " "]),
)
def test_simple_shapes_fast_path_equals_the_general_parser(
    level: str, slashes: str, noforn: str, space: str
) -> None:
    text = f"({space}{level}{slashes}{noforn if slashes else ''}{space})"
    draft = parse_draft(text)
    assert not isinstance(draft, Problem)
    assert check_uncached(text) == _finish(text, draft)

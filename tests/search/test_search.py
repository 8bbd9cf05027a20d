"""Search through the access policy: for any reader and any query, the results and the
count are exactly the accessible subset of the matching items, on every backend; snippets
come from returned items only; "no results" looks the same whether nothing matches or
nothing matching may be read; every search is audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcm.errors import InvalidInput
from bcm.services import audit
from bcm.services.search import search_items
from tests.search.conftest import BACKENDS, VOCABULARY, World

Worlds = Callable[[str], World]


def expected(world: World, login: str, terms: list[str]) -> list[str]:
    """Ids of the items ``login`` may read containing every term, newest first."""
    wanted = {t.lower() for t in terms}
    found = [i for i in world.readable[login] if wanted <= world.words[i]]
    return sorted(found, key=lambda i: world.seq[i], reverse=True)


queries = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=2, unique=True)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=30)
@given(data=st.data())
def test_results_and_counts_are_the_accessible_subset_of_the_matches(
    backend: str, worlds: Worlds, data: st.DataObject
) -> None:
    world = worlds(backend)
    login = data.draw(st.sampled_from(world.logins), label="reader")
    terms = data.draw(queries, label="terms")
    limit = data.draw(st.sampled_from([1, 3, 1000]), label="limit")
    spelled = data.draw(st.sampled_from([" ", ", ", " ; ", "-"]), label="separator").join(
        t.capitalize() if len(t) % 2 else t for t in terms
    )
    result = world.services.run(search_items, spelled, actor=world.actor(login), limit=limit)
    want = expected(world, login, terms)
    assert result.count == len(want)
    assert [h.item.id for h in result.hits] == want[:limit]
    for hit in result.hits:
        assert any(t in hit.snippet.lower() for t in terms)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_world_is_a_fair_test(backend: str, worlds: Worlds) -> None:
    world = worlds(backend)
    readable = {len(world.readable[login]) for login in world.logins}
    assert 0 in readable  # some readers see nothing at all
    assert len(readable) > 4  # and the others see different subsets
    everything = set(world.words)
    assert max(readable) < len(everything)  # nobody sees everything (exercise items)


@pytest.mark.parametrize("backend", BACKENDS)
def test_words_only_in_paragraphs_match_and_snippets_keep_the_portion_mark(
    backend: str, worlds: Worlds
) -> None:
    world = worlds(backend)
    reyes = world.actor("k.reyes")
    paragraph_items = {i for i in world.readable["k.reyes"] if world.seq[i] > 60 and world.words[i]}
    assert paragraph_items
    some = next(iter(sorted(paragraph_items)))
    word = sorted(world.words[some])[0]
    result = world.services.run(search_items, word, actor=reyes, limit=1000)
    assert some in {h.item.id for h in result.hits}
    hit = next(h for h in result.hits if h.item.id == some)
    assert hit.snippet.startswith(("(S//REL TO USA, JPN) ", "(U) "))


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_results_looks_the_same_whether_hidden_or_absent(backend: str, worlds: Worlds) -> None:
    world = worlds(backend)
    sato = world.actor("ops.sato")  # the node operator holds no clearance
    hidden = world.services.run(search_items, "launch", actor=sato)
    absent = world.services.run(search_items, "zanzibar", actor=sato)
    assert expected(world, "ops.sato", ["launch"]) == []
    assert any("launch" in w for w in world.words.values())
    assert (hidden.count, hidden.hits) == (absent.count, absent.hits) == (0, ())


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_search_is_audited_with_what_it_returned(backend: str, worlds: Worlds) -> None:
    world = worlds(backend)
    nguyen = world.actor("p.nguyen")
    result = world.services.run(search_items, "radar coast", actor=nguyen, limit=2)
    record = world.services.run(audit.list_records)[-1]
    assert (record.entry.actor, record.entry.action, record.entry.allowed) == (
        nguyen,
        "item.search",
        True,
    )
    assert record.entry.detail["query"] == "radar coast"
    assert record.entry.detail["count"] == result.count
    assert record.entry.detail["returned"] == [[h.item.id, h.item.label] for h in result.hits]


@pytest.mark.parametrize(
    ("query", "limit", "field"),
    [("", 20, "query"), ("?! --", 20, "query"), ("launch", 0, "limit"), ("launch", 1001, "limit")],
)
def test_bad_queries_are_invalid_input(worlds: Worlds, query: str, limit: int, field: str) -> None:
    world = worlds("memory")
    with pytest.raises(InvalidInput) as raised:
        world.services.run(search_items, query, actor=world.actor("k.reyes"), limit=limit)
    assert raised.value.field == field

"""Properties: parse(render(m)) == m for telegrams BCM builds; mutated real telegrams never
make the parser (or anything after it) raise anything but a clean InvalidInput."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bcm.cables import (
    Addressee,
    Header,
    Paragraph,
    Reference,
    Telegram,
    from_json,
    lint,
    parse,
    render,
    render_view,
    telegram_id,
    to_json,
    view,
)
from bcm.errors import InvalidInput
from bcm.markings import Clearance
from tests.cables.conftest import CABLES, SEED, read

WORDS = [
    "ALLIANCE",
    "MEETING",
    "COORDINATION",
    "Japanese",
    "officials",
    "discussed",
    "launch",
    "BCC",
    "notification",
    "channels",
    "U.S.",
    "(BMD)",
]
PLADS = ["SECSTATE WASHDC", "AMEMBASSY TOKYO", "AMEMBASSY SEOUL", "USFJ", "CIA WASHDC"]
POSTS = ["TOKYO", "SEOUL", "STATE", "LA PAZ", "BOGOTA"]
PORTIONS = ["U", "C", "S", "S//NF", "C//NF", "U//SBU", "C//REL TO USA, JPN", "TS//SI//NF"]

# A sentence never starts with "(": an unmarked paragraph opening with "(BMD)" reads as a mark.
sentences = st.tuples(
    st.sampled_from(WORDS[:-1]), st.lists(st.sampled_from(WORDS), min_size=1, max_size=9)
).map(lambda words: " ".join([words[0], *words[1]]) + ".")
texts = st.lists(sentences, min_size=1, max_size=4).map("\n".join)
routing = st.from_regex(r"R[A-Z]{4,6}", fullmatch=True)
precedences = st.sampled_from(["FLASH", "NIACT IMMEDIATE", "IMMEDIATE", "PRIORITY", "ROUTINE"])
words_upper = st.lists(st.sampled_from(["ALLIANCE", "MEETING", "BCC", "LAUNCH"]), min_size=1)


@st.composite
def addressees(draw: st.DrawFn, *, excluded: bool = False) -> Addressee:
    return Addressee(
        address=draw(st.sampled_from(PLADS)),
        routing_indicator=draw(st.none() | routing),
        precedence=draw(st.none() | precedences),
        serial=draw(st.none() | st.from_regex(r"\d{4}", fullmatch=True)),
        excluded=tuple(draw(st.lists(st.sampled_from(PLADS), max_size=2))) if excluded else (),
    )


@st.composite
def headers(draw: st.DrawFn) -> Header:
    letter = draw(st.sampled_from("ZOPR"))
    level = draw(st.sampled_from("UCST"))
    return Header(
        transmission_id=draw(st.none() | st.just("VZCZCXYZ0002")),
        prosign=letter * 2,
        routing_indicators=tuple(draw(st.lists(routing, max_size=3))),
        station=draw(routing),
        station_serial=draw(st.from_regex(r"\d{4}", fullmatch=True)),
        section=draw(st.none() | st.just("01")),
        filed=draw(st.from_regex(r"[0-3]\d{2}[0-2]\d[0-5]\d", fullmatch=True)),
        security_warning=f"{'ZNR' if level == 'U' else 'ZNY'} {level * 5} ZZH",
    )


@st.composite
def references(draw: st.DrawFn) -> tuple[Reference, ...]:
    count = draw(st.integers(0, 3))
    out = []
    for index in range(count):
        year = draw(st.integers(0, 99))
        post = draw(st.sampled_from(POSTS))
        number = draw(st.integers(1, 999999))
        label = chr(ord("A") + index) if count > 1 else draw(st.none() | st.just("A"))
        out.append(Reference(label, f"{year:02d} {post} {number}", telegram_id(year, post, number)))
    return tuple(out)


@st.composite
def telegrams(draw: st.DrawFn) -> Telegram:
    # BCM dates every telegram it builds (a header without a date-time group is a warning).
    when = draw(st.datetimes(datetime(1990, 1, 1), datetime(2049, 12, 31)))
    when = when.replace(second=0, microsecond=0, tzinfo=UTC)
    # No precedence: a "partial extract" dated by a date line instead of FL5.
    precedence = draw(st.none() | st.sampled_from(["FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE"]))
    has_authority = draw(st.booleans())
    classified_by = draw(st.none() | st.just("James P. Zumwalt, Charge d'Affaires"))
    reasons = draw(st.lists(st.sampled_from("abcdefgh"), unique=True)) if classified_by else []
    count = draw(st.integers(1, 5))
    info = draw(st.lists(addressees(), max_size=3))
    if info and draw(st.booleans()):
        info[-1] = draw(addressees(excluded=True))  # XMT exclusions follow the last one
    return Telegram(
        header=draw(st.none() | headers()),
        precedence=precedence,
        info_precedence=draw(st.none() | st.sampled_from(["PRIORITY", "ROUTINE"]))
        if precedence
        else None,
        datetime=when,
        sender=draw(st.none() | st.sampled_from(PLADS)),
        to=tuple(draw(st.lists(addressees(), max_size=3))),
        info=tuple(info),
        classification=draw(st.sampled_from(["UNCLASSIFIED", "CONFIDENTIAL", "SECRET"])),
        post=draw(st.sampled_from(POSTS)),
        number=draw(st.integers(1, 999999)),
        section=draw(st.none() | st.just((1, 2))),
        captions=tuple(
            draw(st.lists(st.sampled_from(["SIPDIS", "NOFORN", "SENSITIVE", "EXDIS"]), max_size=3))
        ),
        offices=tuple(draw(st.lists(st.sampled_from(["STATE FOR EAP/J", "DOD FOR OSD"]))))[:2],
        executive_order="12958" if has_authority else None,
        declassify_on=draw(st.none() | st.sampled_from(["05/12/2018", "AFTER REUNIFICATION"]))
        if has_authority
        else None,
        tags=tuple(draw(st.lists(st.sampled_from(["PREL", "PARM", "MARR", "JA"]), unique=True))),
        subject=draw(st.none() | words_upper.map(" ".join)),
        subject_portion=draw(st.none() | st.sampled_from(PORTIONS)),
        references=draw(references()),
        classified_by=classified_by,
        reasons=tuple(f"1.4({letter})" for letter in sorted(reasons)),
        paragraphs=tuple(
            Paragraph(
                number,
                draw(st.none() | st.sampled_from(PORTIONS)),
                draw(texts),
                draw(st.none() | words_upper.map(" ".join)),
            )
            for number in range(1, count + 1)
        ),
        signature=draw(st.none() | st.just("ZUMWALT")),
    )


@given(telegrams())
def test_parse_of_render_is_identity_for_built_telegrams(message: Telegram) -> None:
    assert parse(render(message)) == message


@given(telegrams())
def test_json_shape_round_trips(message: Telegram) -> None:
    data = json.loads(json.dumps(to_json(message)))
    assert from_json(data) == message


# --- mutated real telegrams -------------------------------------------------------------------

REAL = [read(path) for path in [SEED, *CABLES]]
GARBAGE = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
READER = Clearance("JPN", "SECRET")


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(REAL)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["drop", "swap", "truncate", "garbage", "cut"]))
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        if action == "drop":
            del lines[index]
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "truncate":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        elif action == "garbage":
            lines.insert(index, draw(GARBAGE))
        else:
            lines = lines[:index]
    return "\n".join(lines)


def _everything(text: str) -> None:
    """Parse, then use the result every way the CLI does; only InvalidInput may escape."""
    try:
        message = parse(text)
    except InvalidInput:
        return
    json.dumps(to_json(message))
    render(message)
    lint(message)
    render_view(view(message, READER))


@given(mutated())
@settings(max_examples=40)
def test_mutated_telegrams_never_raise(text: str) -> None:
    _everything(text)


@given(st.binary(max_size=2000))
@settings(max_examples=40)
def test_random_bytes_never_raise(data: bytes) -> None:
    _everything(data.decode("utf-8", errors="replace"))


@given(st.sampled_from(REAL), st.binary(min_size=1, max_size=200), st.integers(0, 5000))
@settings(max_examples=40)
def test_random_bytes_inside_a_telegram_never_raise(text: str, noise: bytes, at: int) -> None:
    spliced = text[:at] + noise.decode("latin-1") + text[at:]
    _everything(spliced)

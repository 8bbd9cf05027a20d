"""Sample content for ``make demo``: one shared watch floor and a handful of items of
different labels, so a newcomer sees timelines fill and can compare the same bodies through
three clearances side by side — a U.S. officer, a Japanese Foreign Ministry liaison and a
technical-group member.

Call ``seed_console_demo(services)`` after loading the example org chart; it returns the
three logins to print (with who they are).
"""

from __future__ import annotations

from dataclasses import dataclass

from bcm.errors import NotFound
from bcm.services import bodies, items, people
from bcm.services.bodies import Members
from bcm.services.core import Services

OPERATOR = "ops.sato"
WATCH_FLOOR = "watch-floor"
LIAISON_POSITION = "mofa-duty-officer"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A login to print, and who it is."""

    login: str
    who: str


CONSOLE_LOGINS = (
    DemoLogin("k.reyes", "U.S. officer (USFJ J-5 watch officer, SECRET, USA)"),
    DemoLogin("y.mori", "Japanese Foreign Ministry liaison (MOFA duty officer, SECRET, JPN)"),
    DemoLogin("t.aoki", "technical-group member (Civil Aviation Bureau, UNCLASSIFIED, JPN)"),
)

# (body, author, label, paragraphs as (portion mark, text)); a label with no paragraphs
# posts plain text.
SAMPLES: tuple[tuple[str, str, str | None, tuple[tuple[str, str], ...]], ...] = (
    (WATCH_FLOOR, "k.reyes", "UNCLASSIFIED", (("", "Watch floor open; liaisons reporting."),)),
    (
        WATCH_FLOOR,
        "t.aoki",
        "UNCLASSIFIED//FOUO",
        (("", "Airspace: NOTAM draft for the Sea of Japan corridor ready for review."),),
    ),
    (
        WATCH_FLOOR,
        "y.mori",
        "CONFIDENTIAL//REL TO USA, JPN",
        (("", "Foreign Ministry: the Minister's office asks for hourly updates."),),
    ),
    (
        WATCH_FLOOR,
        "k.reyes",
        None,
        (
            ("(U)", "Possible launch indications on the east coast."),
            ("(S//REL TO USA, JPN)", "Two transporter-erector-launchers moved overnight."),
        ),
    ),
    (
        WATCH_FLOOR,
        "k.reyes",
        "SECRET//NOFORN",
        (("", "U.S. only: a collection platform was repositioned."),),
    ),
    (
        "jcg-technical",
        "t.aoki",
        "UNCLASSIFIED//FOUO",
        (("", "Radio: frequency deconfliction plan circulated to members."),),
    ),
    ("jcg-technical", "k.reyes", "UNCLASSIFIED", (("", "Airspace coordination call at 0400Z."),)),
    (
        "bcc-yokota",
        "k.reyes",
        "SECRET//REL TO USA, JPN",
        (("", "Stage change proposed: standby to liaison exchange."),),
    ),
)


def seed_console_demo(services: Services) -> tuple[DemoLogin, ...]:
    """Create the shared watch floor (U.S. watch officers, the Foreign Ministry duty officer
    and the Civil Aviation Bureau; ceiling SECRET//NOFORN, so each sees a different part of
    it), bring the duty officer into the technical group and the Yokota center, and post the
    samples. Returns the three logins the demo prints."""
    operator = services.run(people.get_person, OPERATOR).id
    _ensure_watch_floor(services, operator)
    for body in ("jcg-technical", "bcc-yokota"):
        services.run(
            bodies.add_members, body, Members(positions=(LIAISON_POSITION,)), actor=operator
        )
    for body, login, label, paragraphs in SAMPLES:
        author = services.run(people.get_person, login).id
        if label is None:
            services.run(items.post_item, body, paragraphs=paragraphs, actor=author)
        else:
            text = "\n\n".join(text for _, text in paragraphs)
            services.run(items.post_item, body, label=label, text=text, actor=author)
    return CONSOLE_LOGINS


def _ensure_watch_floor(services: Services, operator: str) -> None:
    try:
        services.run(bodies.get_body, WATCH_FLOOR)
    except NotFound:
        services.run(
            bodies.create_body,
            actor=operator,
            key=WATCH_FLOOR,
            name="Combined watch floor (demo)",
            kind="center-watch",
            ceiling="SECRET//NOFORN",
            members=Members(organizations=("usfj-j5", "jcab"), positions=(LIAISON_POSITION,)),
        )

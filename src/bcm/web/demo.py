"""``bcm demo``: a fresh demo database from the example org chart, the built-in exercise
scenario (everyone in exercise mode, every item an exercise item), generated passwords printed
once, and the server in the foreground on 127.0.0.1:8080."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bcm.auth.passwords import PRODUCTION, HashParams
from bcm.bootstrap import init_database
from bcm.domain.model import Mode
from bcm.errors import InvalidInput
from bcm.services import items, people
from bcm.services.core import Services
from bcm.web.runtime import Runtime
from bcm.web.serving import open_runtime, serve

EXAMPLE_CHART = Path(__file__).resolve().parents[3] / "examples" / "org-chart.yaml"
# Logins printed for the tour (everyone gets a password; these show the access policy).
TOUR = ("k.reyes", "d.ogawa", "p.nguyen", "a.fujita", "t.aoki", "so.harper", "ops.sato")
SEED = (
    (
        "bcc-yokota",
        "SECRET//REL TO USA, JPN",
        "k.reyes",
        "Possible launch indications, NK east coast.",
    ),
    ("intel-us", "TOP SECRET//SI//NOFORN", "p.nguyen", "Collection summary (U.S. only)."),
    ("intel-bilateral", "SECRET//REL TO USA, JPN", "p.nguyen", "Shared assessment: TEL movement."),
    ("jcg-technical", "UNCLASSIFIED//FOUO", "t.aoki", "Airspace restriction request drafted."),
)


def new_password() -> str:
    """A random, readable password (about 80 bits)."""
    return "-".join(secrets.token_hex(2 + i % 2) for i in range(5))


def prepare_demo(
    database: Path,
    *,
    org_chart: Path = EXAMPLE_CHART,
    seed: Callable[[Services], object] | None = None,
    hash_params: HashParams = PRODUCTION,
) -> tuple[Runtime, dict[str, str]]:
    """Recreate ``database`` from the org chart, seed items (and run ``seed``, e.g. the
    console's demo content), give everyone a new random password."""
    if not org_chart.is_file():
        raise InvalidInput("org_chart", f"the example org chart at {org_chart}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    init_database(url, org_chart=org_chart.read_text(encoding="utf-8"))
    runtime = open_runtime(url, hash_params=hash_params)
    passwords = {}
    everyone = runtime.services.run(people.list_people)
    for person in everyone:
        passwords[person.login] = new_password()
    # argon2 releases the GIL: hash on every core (a production hash takes ~0.1 s).
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(
            pool.map(
                lambda p: runtime.authenticator.set_password(p.id, passwords[p.login]), everyone
            )
        )
    # The demo is an exercise: its content must never be mistaken for real-world traffic.
    for person in everyone:
        runtime.services.run(people.set_mode, Mode.EXERCISE.value, actor=person.id)
    for body, label, login, text in SEED:
        author = runtime.services.run(people.get_person, login).id
        runtime.services.run(items.post_item, body, label=label, text=text, actor=author)
    if seed is not None:
        seed(runtime.services)
    return runtime, passwords


def run_demo(
    database: Path = Path("bcm-demo.db"),
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    seed: Callable[[Services], object] | None = None,
    compare: Sequence[tuple[str, str]] = (),
    say: Callable[[str], object] = print,
) -> None:
    """``bcm demo``: prepare, print the URL and demo logins, serve until interrupted.

    ``compare`` lists (login, description) pairs printed first: the people to sign in as
    side by side to see one body through different clearances."""
    runtime, passwords = prepare_demo(database, seed=seed)
    say("")
    say(f"BCM demo database: {database} (recreated from {EXAMPLE_CHART.name})")
    say("Scenario: EXERCISE (everyone works in exercise mode; no real-world content).")
    say(f"Console: http://{host}:{port}/   API: http://{host}:{port}/api/v1   health: /health")
    if compare:
        say("Sign in as each of these in its own browser window to compare what they see:")
        for login, description in compare:
            say(f"  {login:<12} {passwords[login]:<26} {description}")
    shown = {login for login, _ in compare}
    say("More demo logins (passwords generated for this run):")
    for login in TOUR:
        if login not in shown:
            say(f"  {login:<12} {passwords[login]}")
    shown |= set(TOUR)
    others = sorted(set(passwords) - shown)
    say(f"  ...and {len(others)} more: " + ", ".join(others))
    say(
        "Try: curl -c jar -H 'content-type: application/json' "
        f'-d \'{{"login":"k.reyes","password":"{passwords["k.reyes"]}"}}\' '
        f"http://{host}:{port}/api/v1/login && curl -b jar http://{host}:{port}/api/v1/items"
    )
    say("Press Ctrl-C to stop.")
    serve(runtime, host=host, port=port, log_level="warning")

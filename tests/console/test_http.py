"""The console over plain HTTP against a real server: security headers, CSRF on every
state-changing route, need-to-know on pages and fragments, the sign-in redirects."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute

from bcm.services import items
from bcm.web.console import pages, posting, signin
from tests.console.server import TOKEN, ConsoleServer, console_server

PAGES = ["/bodies", "/bodies/bcc-yokota", "/bodies/bcc-yokota/post", "/profile"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """One server for this module's tests (each test leaves no state others depend on)."""
    with console_server(tmp_path_factory.mktemp("console-http")) as live:
        yield live


def console_posts() -> list[str]:
    """Every state-changing route of the console (the routers ``console.install`` adds)."""
    return sorted(
        route.path
        for module in (signin, pages, posting)
        for route in module.router.routes
        if isinstance(route, APIRoute) and route.methods & {"POST", "PUT", "PATCH", "DELETE"}
    )


def test_every_console_page_carries_the_strict_csp(shared: ConsoleServer) -> None:
    with shared.console("k.reyes") as client:
        for path in PAGES:
            answer = client.get(path)
            assert answer.status_code == 200, path
            policy = answer.headers["content-security-policy"]
            assert "script-src 'self'" in policy
            assert "default-src 'none'" in policy
            assert "unsafe-inline" not in policy
            assert "<script>" not in answer.text


def test_assets_are_served_by_bcm_itself(shared: ConsoleServer) -> None:
    with shared.console("k.reyes") as client:
        page = client.get("/bodies").text
        for asset, kind in (
            ("console.js", "javascript"),
            ("console.css", "text/css"),
            ("favicon.svg", "image/svg+xml"),
        ):
            assert f"/static/console/{asset}" in page
            answer = client.get(f"/static/console/{asset}")
            assert answer.status_code == 200
            assert kind in answer.headers["content-type"]
        assert "http://" not in page.replace(shared.url, "")
        assert "https://" not in page


def test_every_state_changing_route_refuses_a_form_without_its_token(
    shared: ConsoleServer,
) -> None:
    posts = console_posts()
    assert posts == ["/bodies/{ref}/post", "/language", "/sign-in", "/sign-in/code", "/sign-out"]
    reyes = shared.person_id("k.reyes")
    before = len(shared.runtime.services.run(items.access_items_since, 0, actor=reyes))
    with shared.console("k.reyes") as client:
        for path in posts:
            target = path.replace("{ref}", "bcc-yokota")
            form = {"label": "SECRET//REL TO USA, JPN", "text": "forged", "language": "ja"}
            for token in (None, "not-the-token"):
                data = form if token is None else {**form, "csrf_token": token}
                answer = client.post(target, data=data)
                assert answer.status_code == 403, (target, token)
        assert client.get("/bodies").status_code == 200  # still signed in: sign-out refused
        assert "bcm_lang" not in client.cookies
    after = len(shared.runtime.services.run(items.access_items_since, 0, actor=reyes))
    assert after == before


def test_a_form_with_its_token_is_accepted(shared: ConsoleServer) -> None:
    with shared.console("k.reyes") as client:
        token = TOKEN.search(client.get("/profile").text)
        assert token is not None
        answer = client.post("/language", data={"language": "ja", "csrf_token": token[1]})
        assert answer.status_code == 303
        assert client.cookies["bcm_lang"] == "ja"
        assert "会議体" in client.get("/bodies").text


def test_a_body_the_reader_does_not_belong_to_is_not_found(shared: ConsoleServer) -> None:
    with shared.console("t.aoki") as client:
        for path in ("/bodies/bcc-yokota", "/bodies/bcc-yokota/timeline", "/bodies/no-such"):
            answer = client.get(path)
            assert answer.status_code == 404, path
        assert client.get("/bodies/jcg-technical").status_code == 200


def test_the_timeline_fragment_holds_only_what_the_reader_may_see(
    shared: ConsoleServer,
) -> None:
    shared.post("k.reyes", "liaison-watch", "SECRET//NOFORN", "Fragment: U.S. only.")
    shared.post("k.reyes", "liaison-watch", "CONFIDENTIAL//REL TO USA, JPN", "Fragment: shared.")
    with shared.console("y.mori") as client:
        update = client.get("/bodies/liaison-watch/timeline", params={"after": 0}).json()
    assert "Fragment: shared." in update["html"]
    assert "U.S. only" not in update["html"]
    assert update["banner"]["color"] == "c"
    assert update["banner"]["national"] == "秘//REL TO USA, JPN"
    with shared.console("k.reyes") as client:
        update = client.get(
            "/bodies/liaison-watch/timeline",
            params={"after": 0, "shown": ["UNCLASSIFIED", "not a label"]},
        ).json()
    assert "U.S. only" in update["html"]
    assert update["banner"]["text"] == "SECRET//NOFORN"


def test_signed_out_visitors_are_sent_to_sign_in_and_back(shared: ConsoleServer) -> None:
    with shared.console("k.reyes") as client:
        client.cookies.clear()
        answer = client.get("/bodies/bcc-yokota")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/sign-in?next=%2Fbodies%2Fbcc-yokota"
        client.cookies.set("bcm_session", "not-a-session")
        assert client.get("/profile").headers["location"].startswith("/sign-in")
        assert client.get("/").headers["location"] == "/bodies"  # a cookie, not yet checked
        client.cookies.clear()
        assert client.get("/").headers["location"] == "/sign-in"


def test_sign_in_returns_to_the_page_asked_for(shared: ConsoleServer) -> None:
    with shared.console("k.reyes") as client:
        client.cookies.clear()
        form = client.get("/sign-in", params={"next": "/profile"}).text
        token = TOKEN.search(form)
        assert token is not None
        assert 'name="next" value="/profile"' in form
        answer = client.post(
            "/sign-in",
            data={
                "login": "k.reyes",
                "password": shared.passwords["k.reyes"],
                "csrf_token": token[1],
                "next": "//evil.example/",
            },
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/bodies"

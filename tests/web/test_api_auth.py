"""Tokens, scopes, revocation, lockout, TOTP, session expiry and metrics through HTTP, with
the server's fake clock where time matters."""

from __future__ import annotations

from datetime import timedelta

from bcm.auth import totp
from bcm.domain.model import ClearanceStatus
from bcm.services import clearances
from tests.web.server import LiveServer

POST = {"body": "bcc-yokota", "label": "SECRET//REL TO USA, JPN", "text": "track update"}


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_token_scopes_limit_actions(server: LiveServer) -> None:
    writer = server.token("k.reyes", ["items:write"])
    with server.client() as client:
        posted = client.post("/api/v1/items", json=POST, headers=_bearer(writer))
        assert posted.status_code == 201, posted.text
        read = client.get(f"/api/v1/items/{posted.json()['id']}", headers=_bearer(writer))
        assert read.status_code == 403
        assert "items:read" in read.json()["message"]
        assert client.get("/api/v1/bodies", headers=_bearer(writer)).status_code == 403
        assert (
            client.post(
                "/api/v1/tokens",
                json={"name": "x", "scopes": ["items:read"]},
                headers=_bearer(writer),
            ).status_code
            == 403
        )


def test_token_expires_and_is_revocable(server: LiveServer) -> None:
    with server.login("k.reyes") as session:
        made = session.post(
            "/api/v1/tokens",
            json={"name": "sensor", "scopes": ["items:read"], "expires_in_days": 1},
        ).json()
        listed = session.get("/api/v1/tokens").json()
        assert [t["id"] for t in listed] == [made["id"]]
        assert "secret" not in listed[0]
        with server.client() as client:
            assert client.get("/api/v1/items", headers=_bearer(made["secret"])).status_code == 200
            assert session.delete(f"/api/v1/tokens/{made['id']}").status_code == 204
            assert client.get("/api/v1/items", headers=_bearer(made["secret"])).status_code == 401
            assert session.delete(f"/api/v1/tokens/{made['id']}").status_code == 404
    other = server.token("k.reyes", ["items:read"])
    server.clock.advance(timedelta(days=91))
    with server.client() as client:
        assert client.get("/api/v1/items", headers=_bearer(other)).status_code == 401


def test_revoked_clearance_ends_sessions_and_tokens_at_once(server: LiveServer) -> None:
    token = server.token("k.reyes", ["items:read"])
    session = server.login("k.reyes")
    with session, server.client() as client:
        assert client.get("/api/v1/items", headers=_bearer(token)).status_code == 200
        grant = server.runtime.services.run(clearances.list_clearances, "k.reyes")[0]
        revoked = server.runtime.services.run(
            clearances.revoke_clearance,
            grant.id,
            actor=server.person_id("so.whitfield"),
            reason="test",
        )
        assert revoked.status is ClearanceStatus.REVOKED
        assert client.get("/api/v1/items", headers=_bearer(token)).status_code == 401
        assert session.get("/api/v1/session").status_code == 401
        store = server.runtime.authenticator.store
        assert all(t.revoked_at is not None for t in store.tokens_of(server.person_id("k.reyes")))


def test_disabled_account_ends_access(server: LiveServer) -> None:
    token = server.token("t.brennan", ["items:read"])
    with server.client() as client:
        assert client.get("/api/v1/items", headers=_bearer(token)).status_code == 200
        server.runtime.authenticator.set_disabled(server.person_id("t.brennan"), True)
        assert client.get("/api/v1/items", headers=_bearer(token)).status_code == 401
        login = client.post(
            "/api/v1/login", json={"login": "t.brennan", "password": server.passwords["t.brennan"]}
        )
        assert login.status_code == 401


def test_lockout_after_repeated_failures_then_expiry(server: LiveServer) -> None:
    with server.client() as client:
        for _ in range(5):
            bad = client.post("/api/v1/login", json={"login": "y.mori", "password": "guess"})
            assert bad.status_code == 401
        right = {"login": "y.mori", "password": server.passwords["y.mori"]}
        assert client.post("/api/v1/login", json=right).status_code == 401  # locked
        server.clock.advance(timedelta(minutes=16))
        assert client.post("/api/v1/login", json=right).status_code == 200
    records = server.runtime.services.run(_audit_actions)
    assert records.count("login.failed") == 6
    assert records.count("login.locked") == 1


def _audit_actions(tx: object) -> list[str]:
    from bcm.services import audit

    return [r.entry.action for r in audit.list_records(tx)]  # type: ignore[arg-type]


def test_failed_logins_from_one_address_are_throttled(server: LiveServer) -> None:
    with server.client() as client:
        answers = [
            client.post("/api/v1/login", json={"login": f"nobody{i}", "password": "x"}).status_code
            for i in range(21)
        ]
    assert answers[:20] == [401] * 20
    assert answers[20] == 429


def test_totp_enrolment_and_login(server: LiveServer) -> None:
    with server.login("h.takeda") as session:
        enrol = session.post("/api/v1/totp").json()
        now = server.clock.now().timestamp()
        confirm = session.post(
            "/api/v1/totp/confirm", json={"code": totp.totp(enrol["secret"], now)}
        )
        assert confirm.status_code == 204
    server.clock.advance(timedelta(seconds=30))
    creds = {"login": "h.takeda", "password": server.passwords["h.takeda"]}
    with server.client() as client:
        missing = client.post("/api/v1/login", json=creds)
        assert missing.status_code == 401
        assert missing.json()["error"] == "second_factor_required"
        wrong = client.post("/api/v1/login", json={**creds, "code": "000000"})
        assert wrong.status_code == 401
        code = totp.totp(enrol["secret"], server.clock.now().timestamp())
        assert client.post("/api/v1/login", json={**creds, "code": code}).status_code == 200


def test_session_idle_expiry(server: LiveServer) -> None:
    with server.login("s.nakamura") as session:
        assert session.get("/api/v1/me").status_code == 200
        server.clock.advance(timedelta(minutes=31))
        assert session.get("/api/v1/me").status_code == 401


def test_metrics_for_operators_only(server: LiveServer) -> None:
    with server.login("ops.sato") as operator:
        answer = operator.get("/metrics")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        assert "# TYPE bcm_http_requests_total counter" in answer.text
        assert "bcm_login_failures_total" in answer.text
        assert "bcm_writer_queue_depth" in answer.text
        assert "bcm_http_request_duration_seconds_bucket" in answer.text
        token = operator.post(
            "/api/v1/tokens", json={"name": "prometheus", "scopes": ["metrics:read"]}
        ).json()["secret"]
    with server.login("k.reyes") as person, server.client() as client:
        assert person.get("/metrics").status_code == 403
        assert client.get("/metrics", headers=_bearer(token)).status_code == 200

"""``bcm serve`` as a real process: built-in TLS (Secure cookie, HSTS), JSON logs free of
secrets and item contents, ``bcm account``."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.web.server import DATA

PASSWORD = "a long enough password 42"
SECRET_TEXT = "the launch count is seven"


def _bcm(*args: str, stdin: str | None = None, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bcm", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, ssl.SSLContext, Path]]:
    env = {**os.environ, "BCM_DATABASE": f"sqlite:///{tmp_path / 'bcm.db'}"}
    _bcm("init", "--org-chart", str(DATA / "org-chart.yaml"), env=env)
    _bcm("account", "set-password", "k.reyes", "--password-stdin", stdin=PASSWORD + "\n", env=env)
    cert, key = _self_signed(tmp_path)
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bcm",
                "serve",
                "--port",
                str(port),
                "--tls-cert",
                str(cert),
                "--tls-key",
                str(key),
            ],
            env=env,
            stderr=stderr,
            stdout=subprocess.DEVNULL,
        )
        context = ssl.create_default_context(cafile=str(cert))
        url = f"https://127.0.0.1:{port}"
        try:
            _wait(url, context)
            yield url, context, log
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait(url: str, context: ssl.SSLContext) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", verify=context).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("bcm serve did not start")


def test_tls_serves_secure_cookies_hsts_and_clean_json_logs(
    tls_server: tuple[str, ssl.SSLContext, Path],
) -> None:
    url, context, log = tls_server
    with httpx.Client(base_url=url, verify=context) as client:
        answer = client.post("/api/v1/login", json={"login": "k.reyes", "password": PASSWORD})
        assert answer.status_code == 200
        assert "secure" in answer.headers["set-cookie"].lower()
        assert answer.headers["strict-transport-security"].startswith("max-age=")
        posted = client.post(
            "/api/v1/items",
            json={"body": "bcc-yokota", "label": "SECRET//REL TO USA, JPN", "text": SECRET_TEXT},
        )
        assert posted.status_code == 201
        cookie = answer.cookies["bcm_session"]
        made = client.post("/api/v1/tokens", json={"name": "t", "scopes": ["items:read"]})
        token = made.json()["secret"]
        bearer = {"authorization": f"Bearer {token}"}
        assert client.get(f"/api/v1/items/{posted.json()['id']}", headers=bearer).status_code == 200
    time.sleep(0.3)
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert any(line.get("route") == "/api/v1/items" and line.get("status") == 201 for line in lines)
    for secret in (PASSWORD, cookie, token, SECRET_TEXT, "SECRET//REL"):
        assert secret not in text

"""`bcm demo` as a newcomer runs it: the tour, a fresh exercise database, a live server whose
printed logins work, and a clean stop on Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bcm.testing.pgcluster import free_port

BCM = Path(sys.executable).parent / "bcm"


def _read_until(process: subprocess.Popen[str], marker: str, limit: float = 120) -> str:
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} not printed; got:\n{''.join(seen)}")


def test_demo_serves_the_exercise_scenario_with_printed_logins(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(BCM), "demo", "--database", str(tmp_path / "demo.db"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )
    try:
        printed = _read_until(process, "Press Ctrl-C")
        assert "SECRET//NOFORN" in printed  # the marking tour came first
        assert f"http://127.0.0.1:{port}/" in printed
        passwords = dict(re.findall(r"^\s+(k\.reyes|y\.mori|t\.aoki)\s+(\S+)", printed, re.M))
        assert set(passwords) == {"k.reyes", "y.mori", "t.aoki"}
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base)
        seen = {}
        for login, password in passwords.items():
            with httpx.Client(base_url=base) as client:
                answer = client.post("/api/v1/login", json={"login": login, "password": password})
                assert answer.status_code == 200, answer.text
                listed = client.get("/api/v1/items").json()
                seen[login] = {item["label"] for item in listed}
                assert all(item["mode"] == "exercise" for item in listed)
        # Three clearances, three different views of the same exercise.
        assert "SECRET//NOFORN" in seen["k.reyes"]
        assert not any("NOFORN" in label for label in seen["y.mori"] | seen["t.aoki"])
        assert seen["t.aoki"]
        assert all(label.startswith("UNCLASSIFIED") for label in seen["t.aoki"])
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        finally:
            process.kill()
            if process.stdout is not None:
                process.stdout.close()
    assert process.returncode in (0, 130, -signal.SIGINT)


def _wait_healthy(base: str) -> None:
    for _ in range(100):
        try:
            if httpx.get(f"{base}/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("server never became healthy")

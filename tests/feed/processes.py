"""``bcm serve`` as a real child process (killable with SIGKILL), over a database prepared
with the example org chart and a password for every persona."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from bcm.auth.passwords import CHEAP
from bcm.bootstrap import init_database
from bcm.services import people
from bcm.testing.pgcluster import free_port
from bcm.web.serving import close_runtime, open_runtime
from tests.web.server import ORG_CHART


def password(login: str) -> str:
    """The password every prepared database gives ``login``."""
    return f"pw-{login}-0123456789"


def prepare_database(url: str) -> None:
    """Initialize ``url`` from the example org chart and set every persona's password."""
    init_database(url, org_chart=ORG_CHART)
    runtime = open_runtime(url, hash_params=CHEAP)
    try:
        for person in runtime.services.run(people.list_people):
            runtime.authenticator.set_password(person.id, password(person.login))
    finally:
        close_runtime(runtime)


class ServeProcess:
    """``bcm serve --database URL --port PORT`` in a child process."""

    def __init__(self, url: str, log: Path) -> None:
        self.database = url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServeProcess:
        bcm = Path(sys.executable).parent / "bcm"
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                [str(bcm), "serve", "--database", self.database, "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"},
            )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise AssertionError(f"bcm serve exited: {self._log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("bcm serve did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGKILL)
        self._process.wait(timeout=10)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)


def login(base: str, who: str) -> str:
    """A session cookie of ``who`` on the server at ``base``."""
    answer = httpx.post(
        f"{base}/api/v1/login", json={"login": who, "password": password(who)}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    cookie: str = answer.cookies["bcm_session"]
    return cookie

"""A throwaway PostgreSQL cluster for tests and benchmarks.

Debian's server binaries live in ``/usr/lib/postgresql/<version>/bin``. As root, ``initdb``
must run as the ``postgres`` user, so the data directory is a fresh temporary directory owned
by ``postgres``. The server listens on 127.0.0.1 only, on a free port, with its socket in the
same private directory, and is torn down (immediate stop, directory removed) by ``stop()``.

Tests run with ``durable=False`` (fsync off: a test cluster is thrown away anyway); the
benchmarks run with ``durable=True`` so a commit means what it means in production.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
from psycopg import sql


class PgClusterError(RuntimeError):
    """The cluster could not be created or started."""


def find_bindir() -> Path:
    """Return the newest Debian PostgreSQL bin directory that has ``initdb``."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if not found:
        raise PgClusterError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql; "
            "run 'make system-deps' (apt-get install postgresql)"
        )
    return Path(found[-1]).parent


def _version_key(path: str) -> int:
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """One PostgreSQL cluster in a temporary directory; see the module docstring."""

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="bcm-pg-"))
        self.datadir = self.root / "data"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        self._serial = 0

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> PgCluster:
        """initdb and start the server; returns self."""
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = [
            "-c listen_addresses=127.0.0.1",
            f"-c port={self.port}",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=200",
            "-c shared_buffers=128MB",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-l",
            str(self.root / "server.log"),
            "-o",
            " ".join(options),
            "-w",
            "-t",
            "60",
            "start",
        )
        return self

    def stop(self) -> None:
        """Stop the server at once and remove its directory."""
        with contextlib.suppress(PgClusterError):
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PgClusterError(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")

    # -- databases -------------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        """A ``postgresql://`` URL for ``dbname`` on this cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """Create a database (optionally from a template) and return its URL."""
        if name is None:
            self._serial += 1
            name = f"db_{os.getpid()}_{self._serial}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(statement)
        return self.url(name)

    def create_template(self, name: str, prepare: Callable[[str], None]) -> str:
        """Create database ``name``, run ``prepare(url)`` on it, and mark it a template."""
        url = self.create_database(name)
        prepare(url)
        with psycopg.connect(self.url(), autocommit=True) as conn:
            # Other sessions on a template block CREATE DATABASE ... TEMPLATE; end them.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(
                sql.SQL("ALTER DATABASE {} WITH is_template = true").format(sql.Identifier(name))
            )
        return name


@contextlib.contextmanager
def running_cluster(*, durable: bool = False) -> Iterator[PgCluster]:
    """Start a cluster for the duration of a ``with`` block."""
    cluster = PgCluster(durable=durable).start()
    try:
        yield cluster
    finally:
        cluster.stop()

"""Wiring and running the server: ``open_runtime`` (composition for the web shell),
``serve`` (uvicorn, optional built-in TLS) and ``run_demo`` (``bcm demo``)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from bcm.auth.authenticator import Authenticator, AuthSettings
from bcm.auth.passwords import PRODUCTION, HashParams, Passwords
from bcm.auth.people import ServicesDirectory
from bcm.auth.ratelimit import FailureRateLimit
from bcm.auth.store import AuthStore
from bcm.bootstrap import database_url, open_services
from bcm.domain.clock import Clock, SystemClock
from bcm.feed.hub import Hub, HubSettings
from bcm.feed.publisher import FeedPublisher
from bcm.feed.wiring import open_broker
from bcm.storage.engine import normalize_url
from bcm.web.runtime import Runtime

log = logging.getLogger("bcm.web")


def open_auth_engine(url: str) -> Engine:
    """An engine for the auth tables on the same database as the services.

    SQLite: its own connections, deferred transactions (reads never take the write lock the
    group-commit writer holds), a busy timeout, and ``synchronous=NORMAL`` — losing the last
    session or claim written before a power cut is harmless, and these small writes must not
    cost an fsync each beside the writer's batches.
    """
    if url == "memory:":
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
        AuthStore(engine).create_tables()
        return engine
    normalized = normalize_url(url)
    if not normalized.startswith("sqlite"):
        return create_engine(normalized, pool_size=8, max_overflow=8, pool_pre_ping=True)
    engine = create_engine(normalized, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def open_runtime(
    url: str | None = None,
    *,
    clock: Clock | None = None,
    hash_params: HashParams = PRODUCTION,
    settings: AuthSettings | None = None,
    tls: bool = False,
    feed: HubSettings | None = None,
) -> Runtime:
    """Services, authentication, idempotency and the live feed over one database
    (``memory:`` for tests)."""
    resolved = database_url(url)
    clock = clock or SystemClock()
    broker = open_broker(resolved)
    services = open_services(resolved, clock=clock, publisher=FeedPublisher(broker))
    engine = open_auth_engine(resolved)
    authenticator = Authenticator(
        AuthStore(engine),
        ServicesDirectory(services),
        clock,
        passwords=Passwords(hash_params),
        settings=settings,
        rate_limit=FailureRateLimit(clock),
    )
    hub = Hub(services, broker, settings=feed, on_lost_standing=authenticator.end_access)
    runtime = Runtime(services, authenticator, tls=tls, feed=hub)
    register_store_gauges(runtime)
    return runtime


def close_runtime(runtime: Runtime) -> None:
    """Finish queued work and release connections."""
    if runtime.feed is not None:
        runtime.feed.close_after_loop()
    runtime.services.close()
    runtime.authenticator.store.close()


def register_store_gauges(runtime: Runtime) -> None:
    """Expose the writer's queue depth and batch sizes when the store reports them."""
    store = runtime.services.store
    depth = getattr(store, "queue_depth", None)
    queue = getattr(store, "_queue", None)
    if depth is None and queue is not None and hasattr(queue, "qsize"):
        depth = queue.qsize  # until the SQL store offers queue_depth() (see docs/api.md)
    if callable(depth):
        runtime.metrics.gauge(
            "bcm_writer_queue_depth",
            "Units of work waiting for the writer.",
            lambda: float(depth()),
        )
    last_batch = getattr(store, "last_batch_size", None)
    if callable(last_batch):
        runtime.metrics.gauge(
            "bcm_writer_last_batch_size",
            "Units of work in the writer's last commit.",
            lambda: float(last_batch()),
        )


def serve(
    runtime: Runtime,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    behind_proxy: bool = False,
    log_level: str = "info",
) -> None:
    """Run the server in the foreground until interrupted (then close the runtime)."""
    import uvicorn

    from bcm.web.app import create_app
    from bcm.web.logs import configure_json_logging

    configure_json_logging(getattr(logging, log_level.upper(), logging.INFO))
    config = uvicorn.Config(
        create_app(runtime),
        host=host,
        port=port,
        ssl_certfile=tls_cert,
        ssl_keyfile=tls_key,
        proxy_headers=behind_proxy,
        forwarded_allow_ips="127.0.0.1" if behind_proxy else None,
        server_header=False,
        log_config=None,
        access_log=False,
        lifespan="off",
        ws="websockets-sansio",  # the live feed (uvicorn's legacy websockets is deprecated)
        ws_per_message_deflate=False,  # the feed sends small messages; compression costs more
    )
    try:
        uvicorn.Server(config).run()
    finally:
        close_runtime(runtime)

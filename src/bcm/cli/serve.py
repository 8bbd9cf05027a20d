"""``bcm serve`` (the HTTP server) and ``bcm account`` (passwords, disabling accounts)."""

from __future__ import annotations

import sys

import click

from bcm.audit.node import start_checkpoints
from bcm.bootstrap import database_url
from bcm.cli.dataplane import database_option
from bcm.errors import InvalidInput
from bcm.services import people
from bcm.web.serving import close_runtime, open_runtime, serve


@click.command("serve")
@database_option
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="PEM certificate")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="PEM private key")
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="TLS is terminated by a reverse proxy on this host: trust its X-Forwarded-* "
    "headers, mark cookies Secure and send HSTS",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
def serve_command(
    database: str | None,
    host: str,
    port: int,
    tls_cert: str | None,
    tls_key: str | None,
    behind_proxy: bool,
    log_level: str,
) -> None:
    """Serve the API (and later the console) until interrupted."""
    if bool(tls_cert) != bool(tls_key):
        raise InvalidInput("--tls-cert/--tls-key", "both a certificate and its key, or neither")
    tls = bool(tls_cert) or behind_proxy
    runtime = open_runtime(database, tls=tls)
    # signed audit checkpoints every minute while serving (docs/audit.md)
    checkpoints = start_checkpoints(runtime.services, database_url(database))
    scheme = "https" if tls_cert else "http"
    click.echo(f"bcm: serving on {scheme}://{host}:{port}/", err=True)
    try:
        serve(
            runtime,
            host=host,
            port=port,
            tls_cert=tls_cert,
            tls_key=tls_key,
            behind_proxy=behind_proxy,
            log_level=log_level,
        )
    finally:
        if checkpoints is not None:
            checkpoints.stop()


@click.group("account")
def account() -> None:
    """Sign-in accounts: passwords, disabling and enabling."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    return value


@account.command("set-password")
@database_option
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def set_password(database: str | None, login: str, password_stdin: bool) -> None:
    """Set LOGIN's password (at least 12 characters); clears a lockout."""
    password = _read_password(password_stdin)
    runtime = open_runtime(database)
    try:
        person = runtime.services.run(people.get_person, login)
        runtime.authenticator.set_password(person.id, password)
    finally:
        close_runtime(runtime)
    click.echo(f"password of {login} set")


@account.command("disable")
@database_option
@click.argument("login")
@click.option("--enable", is_flag=True, help="re-enable instead")
def disable(database: str | None, login: str, enable: bool) -> None:
    """Disable LOGIN: every session and API token ends at once."""
    runtime = open_runtime(database)
    try:
        person = runtime.services.run(people.get_person, login)
        runtime.authenticator.set_disabled(person.id, not enable)
    finally:
        close_runtime(runtime)
    click.echo(f"{login} {'enabled' if enable else 'disabled'}")


@account.command("reset-totp")
@database_option
@click.argument("login")
def reset_totp(database: str | None, login: str) -> None:
    """Turn off LOGIN's TOTP second factor (a lost authenticator); they may enrol again."""
    runtime = open_runtime(database)
    try:
        person = runtime.services.run(people.get_person, login)
        runtime.authenticator.reset_totp(person.id)
    finally:
        close_runtime(runtime)
    click.echo(f"TOTP of {login} turned off")

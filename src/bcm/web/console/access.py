"""Who is looking at a console page, and what a page does when something goes wrong.

Console pages answer in HTML, not the API's JSON: ``ConsoleRoute`` turns a missing or ended
session into a redirect to the sign-in page, and the error tree into an error page (the same
"not found" for missing and not visible, as everywhere).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from bcm.auth.directory import Credential
from bcm.errors import BcmError, Forbidden, NotFound, Unauthenticated
from bcm.web.console.rendering import page, secure
from bcm.web.security import SESSION_COOKIE, runtime_of


class SignInRequired(Exception):
    """No live session: the page sends the visitor to the sign-in page."""


def safe_next(target: str | None) -> str:
    """A local path to return to after sign-in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/bodies"
    return target


def to_sign_in(request: Request) -> Response:
    """A redirect to the sign-in page that comes back here afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = "/sign-in" if here in ("/", "/bodies") else f"/sign-in?next={quote(here, safe='')}"
    return secure(RedirectResponse(target, status_code=303))


def error_page(request: Request, error: BcmError | RequestValidationError) -> Response:
    """The error page for ``error`` (no detail that could leak what exists)."""
    if isinstance(error, NotFound):
        return page(request, "error.html", status=404, message_key="error.not_found")
    if isinstance(error, Forbidden):
        return page(request, "error.html", status=403, message_key="error.forbidden")
    return page(request, "error.html", status=400, message_key="error.bad_request")


class ConsoleRoute(APIRoute):
    """A route whose failures are pages: sign-in redirects and HTML error pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (SignInRequired, Unauthenticated):
                return to_sign_in(request)
            except (BcmError, RequestValidationError) as error:
                return error_page(request, error)

        return handle


async def session_credential(request: Request) -> Credential:
    """The signed-in reader's session (never an API token: the console is for people)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise SignInRequired
    authenticator = runtime_of(request).authenticator
    try:
        found = await run_in_threadpool(authenticator.authenticate_session, secret)
    except Unauthenticated:
        raise SignInRequired from None
    request.state.principal = found  # for the access log
    return found


Reader = Annotated[Credential, Depends(session_credential)]


@dataclass(frozen=True, slots=True)
class Pending:
    """A sign-in whose password was right and that now waits for the TOTP code."""

    login: str
    password: str
    expires: float


class PendingSignIns:
    """Sign-ins between the password and the TOTP step, in this process's memory only and
    for five minutes: the code step repeats the whole login (password included), so nothing
    is granted until both factors are checked together."""

    LIFETIME = 300.0
    LIMIT = 10_000

    def __init__(self) -> None:
        self._pending: dict[str, Pending] = {}

    def add(self, login: str, password: str) -> str:
        """Remember a sign-in; returns the reference the code form carries."""
        self._expire()
        if len(self._pending) >= self.LIMIT:
            self._pending.pop(next(iter(self._pending)))
        ref = secrets.token_urlsafe(24)
        self._pending[ref] = Pending(login, password, time.monotonic() + self.LIFETIME)
        return ref

    def take(self, ref: str) -> Pending | None:
        """The pending sign-in (kept until it succeeds or expires), or None."""
        self._expire()
        return self._pending.get(ref)

    def drop(self, ref: str) -> None:
        """Forget a sign-in that completed."""
        self._pending.pop(ref, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for ref in [r for r, p in self._pending.items() if p.expires <= now]:
            del self._pending[ref]


def pending_of(request: Request) -> PendingSignIns:
    """The app's pending sign-ins."""
    pending: PendingSignIns = request.app.state.console_pending
    return pending


def form_value(form: Any, name: str) -> str:
    """A single text field of a submitted form ("" when absent or not text)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""

"""Who is calling: the session cookie or a bearer API token, checked on every request.

Two steps, both on every request and nothing cached: the credential (auth tables only) and
the person's standing (current clearance). Routes that call a service use ``Credential``
and ``call_service``, which checks standing inside the service's own unit of work (one
round trip); other routes use ``Caller``, which resolves the person first.

Declared as FastAPI security dependencies, so the OpenAPI document lists both schemes on
every protected operation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from bcm.auth.authenticator import Authenticator, Check
from bcm.auth.directory import Credential, Principal
from bcm.auth.people import LostStanding, guarded, identity_of
from bcm.auth.tokens import Scope
from bcm.errors import Forbidden, Unauthenticated
from bcm.web.runtime import Runtime

T = TypeVar("T")
SESSION_COOKIE = "bcm_session"

bearer_scheme = HTTPBearer(auto_error=False, description="An API token: `Bearer bcm_…`")
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="The session cookie set by login"
)


def set_session_cookie(response: Response, runtime: Runtime, secret: str) -> None:
    """Hand the browser its session: HTTP-only, same-site strict, secure under TLS, kept no
    longer than the session's absolute lifetime (API sign-in and console sign-in alike)."""
    absolute = runtime.authenticator.settings.sessions.absolute
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(absolute.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=runtime.tls,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Remove the session cookie (sign-out)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def runtime_of(request: Request) -> Runtime:
    """The runtime the app was created with."""
    runtime: Runtime = request.app.state.runtime
    return runtime


async def credential(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Credential:
    """The caller's credential: an API token (preferred when both are sent) or a session."""
    auth = runtime_of(request).authenticator
    if request.headers.get("authorization") and bearer is None:
        raise Unauthenticated("expected 'Authorization: Bearer <token>'")
    if bearer is not None:
        check = await _read(auth, auth.check_token, bearer.credentials)
    elif cookie:
        check = await _read(auth, auth.check_session, cookie)
    else:
        raise Unauthenticated("sign in, or send an API token")
    if check.chore is not None:  # a write (record use, end an expired session): in a thread
        await run_in_threadpool(check.chore)
    found = check.settle_without_chore()
    request.state.principal = found
    return found


async def _read(auth: Authenticator, check: Callable[[str], Check], secret: str) -> Check:
    # On SQLite the read is a ~0.1 ms local query: cheaper on the event loop than a hop to a
    # worker thread. On PostgreSQL it is a network round trip: off the loop.
    if auth.store.local:
        return check(secret)
    return await run_in_threadpool(check, secret)


CredentialOf = Annotated[Credential, Depends(credential)]


async def resolved(request: Request, found: CredentialOf) -> Principal:
    """The caller, whose person must be in good standing now."""
    runtime = runtime_of(request)
    future = runtime.services.submit(identity_of, found.person_id, by_login=False)
    who = await asyncio.wrap_future(future)
    if who is None or who.problem is not None:
        reason = "person removed" if who is None else who.problem
        await run_in_threadpool(runtime.authenticator.end_access, found.person_id, str(reason))
        raise Unauthenticated("no valid session or token")
    return Principal(found, who.login, who.is_operator)


Caller = Annotated[Principal, Depends(resolved)]


async def signed_in(principal: Caller) -> Principal:
    """The caller, who must have come with a session (not an API token)."""
    if principal.via != "session":
        raise Forbidden("only a signed-in session may do this")
    return principal


SessionCaller = Annotated[Principal, Depends(signed_in)]


async def operator(principal: Caller) -> Principal:
    """The caller, who must hold the operator role (and, for a token, metrics:read)."""
    if not principal.is_operator or not principal.may(Scope.METRICS_READ):
        raise Forbidden("operators only")
    return principal


def scoped(scope: Scope) -> Callable[[Credential], Awaitable[Credential]]:
    """A dependency: the caller's credential, which must carry ``scope``."""

    async def check(found: CredentialOf) -> Credential:
        if not found.may(scope):
            raise Forbidden(f"this API token lacks the {scope.value} scope")
        return found

    return check


async def call_service(
    request: Request,
    found: Credential,
    op: Callable[..., T],
    /,
    *args: Any,
    checks_standing: bool = False,
    **kwargs: Any,
) -> T:
    """Run service ``op`` as the caller, standing checked in the same unit of work (by
    ``guarded``, or by ``op`` itself when ``checks_standing``); a person who lost standing
    has every session and token ended and gets 401."""
    return await run_as(
        runtime_of(request), found, op, *args, checks_standing=checks_standing, **kwargs
    )


async def run_as(
    runtime: Runtime,
    found: Credential,
    op: Callable[..., T],
    /,
    *args: Any,
    checks_standing: bool = False,
    **kwargs: Any,
) -> T:
    """``call_service`` given the runtime rather than the request (see there)."""
    run = op if checks_standing else guarded(op)
    future = runtime.services.submit(run, *args, actor=found.person_id, **kwargs)
    try:
        return await asyncio.wrap_future(future)
    except LostStanding as lost:
        await run_in_threadpool(runtime.authenticator.end_access, lost.person_id, lost.reason)
        raise

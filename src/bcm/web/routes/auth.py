"""Login, logout, the caller's own session, API tokens and TOTP enrolment."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bcm.auth.directory import Credential, Principal
from bcm.auth.people import identity_of
from bcm.auth.store import TokenRow
from bcm.auth.tokens import Scope
from bcm.web.hotpaths import HotRoute
from bcm.web.runtime import Runtime
from bcm.web.schemas import ERROR_RESPONSES, CleanStr
from bcm.web.security import (
    SESSION_COOKIE,
    Caller,
    SessionCaller,
    clear_session_cookie,
    runtime_of,
    set_session_cookie,
)

router = APIRouter(prefix="/api/v1", tags=["authentication"], responses=ERROR_RESPONSES)


class LoginRequest(BaseModel):
    """A person's login name, password and, when enrolled, the current TOTP code."""

    login: CleanStr = Field(min_length=1, max_length=200)
    password: CleanStr = Field(min_length=1, max_length=1024)
    code: CleanStr | None = Field(default=None, max_length=16, description="TOTP code")


class Me(BaseModel):
    """The caller as authenticated."""

    person_id: str
    login: str
    via: str
    scopes: list[str]
    operator: bool


def _me(principal: Principal) -> Me:
    return Me(
        person_id=principal.person_id,
        login=principal.login,
        via=principal.via,
        # metrics:read means something only to operators; do not suggest it to others
        scopes=sorted(s for s in principal.scopes if principal.is_operator or s != "metrics:read"),
        operator=principal.is_operator,
    )


@router.post("/login", response_model=Me, summary="Sign in (sets the session cookie)")
async def login(body: LoginRequest, request: Request, response: Response) -> Me:
    """Check the password (and TOTP code) and open a session; the same 401 for every
    failure, 429 when this address failed too often."""
    runtime = runtime_of(request)
    address = request.client.host if request.client else ""
    try:
        secret, principal = await run_in_threadpool(
            runtime.authenticator.login,
            body.login,
            body.password,
            code=body.code,
            address=address,
        )
    except Exception:
        runtime.metrics.login_failures.inc()
        raise
    set_session_cookie(response, runtime, secret)
    return _me(principal)


@router.post("/logout", status_code=204, summary="End the current session")
async def logout(request: Request, principal: SessionCaller) -> Response:
    """End the session of the cookie sent and clear it."""
    secret = request.cookies.get(SESSION_COOKIE, "")
    await run_in_threadpool(runtime_of(request).authenticator.logout, principal, secret)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.get("/session", response_model=Me, summary="Who am I")
async def session(principal: Caller) -> Me:
    """The caller, as the session or token authenticates them."""
    return _me(principal)


class TokenRequest(BaseModel):
    """A new API token: a name, the scopes it carries, and its lifetime."""

    name: CleanStr = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    expires_in_days: int = Field(default=90, ge=1, le=365)


class TokenInfo(BaseModel):
    """An API token as listed (never its secret)."""

    id: str
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked: bool
    last_used_at: datetime | None


class NewTokenInfo(TokenInfo):
    """A freshly created token; ``secret`` is shown this once and never again."""

    secret: str


def _info(token: TokenRow) -> TokenInfo:
    return TokenInfo(
        id=token.id,
        name=token.name,
        scopes=sorted(token.scopes),
        created_at=token.created_at,
        expires_at=token.expires_at,
        revoked=token.revoked_at is not None,
        last_used_at=token.last_used_at,
    )


@router.post("/tokens", response_model=NewTokenInfo, status_code=201, summary="Create an API token")
async def create_token(body: TokenRequest, request: Request, principal: Caller) -> NewTokenInfo:
    """A new bearer token for machine clients, scoped and expiring; only from a session."""
    new = await run_in_threadpool(
        runtime_of(request).authenticator.create_token,
        principal,
        name=body.name,
        scopes=frozenset(body.scopes),
        lifetime=timedelta(days=body.expires_in_days),
    )
    return NewTokenInfo(**_info(new.token).model_dump(), secret=new.secret)


@router.get("/tokens", response_model=list[TokenInfo], summary="List my API tokens")
async def list_tokens(request: Request, principal: Caller) -> list[TokenInfo]:
    """The caller's tokens, newest first."""
    rows = await run_in_threadpool(runtime_of(request).authenticator.tokens, principal)
    return [_info(row) for row in rows]


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke one of my API tokens")
async def revoke_token(token_id: str, request: Request, principal: Caller) -> Response:
    """Revoke at once; 404 for a token that is not the caller's or already revoked."""
    await run_in_threadpool(runtime_of(request).authenticator.revoke_token, principal, token_id)
    return Response(status_code=204)


class TotpEnrolment(BaseModel):
    """A pending TOTP secret to load into an authenticator app."""

    secret: str
    uri: str


class TotpCode(BaseModel):
    """A code from the authenticator being enrolled."""

    code: CleanStr = Field(min_length=1, max_length=16)


@router.post("/totp", response_model=TotpEnrolment, summary="Begin TOTP enrolment")
async def begin_totp(request: Request, principal: SessionCaller) -> TotpEnrolment:
    """A new pending secret; TOTP is required at login only once confirmed."""
    secret, uri = await run_in_threadpool(runtime_of(request).authenticator.begin_totp, principal)
    return TotpEnrolment(secret=secret, uri=uri)


@router.post("/totp/confirm", status_code=204, summary="Confirm TOTP enrolment")
async def confirm_totp(body: TotpCode, request: Request, principal: SessionCaller) -> Response:
    """Turn TOTP on with a code from the pending secret."""
    await run_in_threadpool(runtime_of(request).authenticator.confirm_totp, principal, body.code)
    return Response(status_code=204)


# -- the plain case of "who am I", answered before FastAPI (see bcm.web.hotpaths) ----------


async def _hot_session(
    runtime: Runtime, found: Credential, _: None, _headers: dict[str, str]
) -> tuple[int, Me] | None:
    future = runtime.services.submit(identity_of, found.person_id, by_login=False)
    who = await asyncio.wrap_future(future)
    if who is None or who.problem is not None:
        return None  # the route ends the person's access and answers 401
    return 200, _me(Principal(found, who.login, who.is_operator))


HOT_ROUTES = [HotRoute("GET", "/api/v1/session", None, None, _hot_session)]

"""Signing in (password, then the TOTP code when the account has one) and out.

The session is the API's own: the same authenticator, the same ``bcm_session`` cookie
(HttpOnly, SameSite=Strict, Secure under TLS), so a signed-in reader may also call the API.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from bcm.auth.authenticator import LoginThrottled, SecondFactorRequired
from bcm.errors import Unauthenticated
from bcm.web.console import csrf
from bcm.web.console.access import ConsoleRoute, Reader, form_value, pending_of, safe_next
from bcm.web.console.i18n import COOKIE as LANGUAGE_COOKIE
from bcm.web.console.i18n import LANGUAGES
from bcm.web.console.rendering import page, secure
from bcm.web.security import (
    SESSION_COOKIE,
    clear_session_cookie,
    runtime_of,
    set_session_cookie,
)

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


def _sign_in_page(
    request: Request, *, error: str = "", status: int = 200, login: str = "", nxt: str = "/"
) -> Response:
    secret = request.cookies.get(csrf.PRE_SESSION_COOKIE) or csrf.new_pre_session_secret()
    response = page(
        request,
        "sign_in.html",
        status=status,
        error_key=error,
        login=login,
        next=safe_next(nxt),
        form_token=csrf.token_for(secret),
    )
    response.set_cookie(
        csrf.PRE_SESSION_COOKIE, secret, httponly=True, samesite="strict", path="/sign-in"
    )
    return response


@router.get("/")
async def home(request: Request) -> Response:
    """The bodies for a signed-in reader; the sign-in page for anyone else."""
    signed_in = bool(request.cookies.get(SESSION_COOKIE))
    return secure(RedirectResponse("/bodies" if signed_in else "/sign-in", status_code=303))


@router.get("/sign-in")
async def sign_in_form(request: Request, next: str = "/bodies") -> Response:
    """The sign-in form."""
    return _sign_in_page(request, nxt=next)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Check login and password; then the session, or the TOTP step when enrolled."""
    form = await request.form()
    csrf.check(request, form_value(form, csrf.FIELD), pre_session=True)
    login, password = form_value(form, "login").strip(), form_value(form, "password")
    nxt = safe_next(form_value(form, "next"))
    if not login or not password:
        return _sign_in_page(request, error="sign_in.missing", status=422, login=login, nxt=nxt)
    return await _attempt(request, login, password, None, nxt)


@router.post("/sign-in/code")
async def sign_in_code(request: Request) -> Response:
    """The TOTP step: the pending sign-in is tried again, now with the code."""
    form = await request.form()
    csrf.check(request, form_value(form, csrf.FIELD), pre_session=True)
    ref = form_value(form, "pending")
    pending = pending_of(request).take(ref)
    nxt = safe_next(form_value(form, "next"))
    if pending is None:
        return _sign_in_page(request, error="sign_in.expired", status=401, nxt=nxt)
    code = form_value(form, "code").strip()
    response = await _attempt(request, pending.login, pending.password, code, nxt, ref=ref)
    if response.status_code == 303:
        pending_of(request).drop(ref)
    return response


async def _attempt(
    request: Request, login: str, password: str, code: str | None, nxt: str, *, ref: str = ""
) -> Response:
    """One login; the session cookie and a redirect on success, else the right form again."""
    runtime = runtime_of(request)
    address = request.client.host if request.client else ""
    try:
        secret, principal = await run_in_threadpool(
            runtime.authenticator.login, login, password, code=code, address=address
        )
    except SecondFactorRequired:
        return _code_page(request, ref or pending_of(request).add(login, password), nxt)
    except LoginThrottled:
        runtime.metrics.login_failures.inc()
        return _sign_in_page(request, error="sign_in.throttled", status=429, login=login, nxt=nxt)
    except Unauthenticated:
        runtime.metrics.login_failures.inc()
        if ref:
            return _code_page(request, ref, nxt, error="sign_in.code_failed")
        return _sign_in_page(request, error="sign_in.failed", status=401, login=login, nxt=nxt)
    response = secure(RedirectResponse(nxt, status_code=303))
    set_session_cookie(response, runtime, secret)
    # The interface language follows the person, not the browser (watch floors share them).
    chosen = await run_in_threadpool(runtime.authenticator.language, principal.person_id)
    if chosen in LANGUAGES:
        _set_language_cookie(response, chosen)
    else:
        response.delete_cookie(LANGUAGE_COOKIE, path="/", samesite="strict")
    return response


def _set_language_cookie(response: Response, language: str) -> None:
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="strict", path="/")


def _code_page(request: Request, ref: str, nxt: str, *, error: str = "") -> Response:
    secret = request.cookies.get(csrf.PRE_SESSION_COOKIE, "")
    return page(
        request,
        "sign_in_code.html",
        status=401 if error else 200,
        pending=ref,
        next=nxt,
        error_key=error,
        form_token=csrf.token_for(secret),
    )


@router.post("/sign-out")
async def sign_out(request: Request, found: Reader) -> Response:
    """End the session and clear its cookie."""
    form = await request.form()
    csrf.check(request, form_value(form, csrf.FIELD))
    runtime = runtime_of(request)
    principal = await run_in_threadpool(runtime.authenticator.resolve, found)
    secret = request.cookies.get(SESSION_COOKIE, "")
    await run_in_threadpool(runtime.authenticator.logout, principal, secret)
    response = secure(RedirectResponse("/sign-in", status_code=303))
    clear_session_cookie(response)
    response.delete_cookie(LANGUAGE_COOKIE, path="/", samesite="strict")
    return response


@router.post("/language")
async def choose_language(request: Request, found: Reader) -> Response:
    """Switch the interface language: remembered for the person (it follows them to the next
    sign-in, on any browser) and set in this browser's cookie for the pages that follow."""
    form = await request.form()
    csrf.check(request, form_value(form, csrf.FIELD))
    language = form_value(form, "language")
    response = secure(RedirectResponse(safe_next(form_value(form, "next")), status_code=303))
    if language in LANGUAGES:
        authenticator = runtime_of(request).authenticator
        await run_in_threadpool(authenticator.set_language, found.person_id, language)
        _set_language_cookie(response, language)
    return response

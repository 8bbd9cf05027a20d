"""CSRF protection for every state-changing console request.

Signed in, the token is derived from the session secret: ``sha256(purpose || secret)``. A
page on another site can neither read the HttpOnly session cookie nor this token, so it
cannot forge a form; the server keeps no state and every server process agrees. Before
sign-in (the sign-in form itself) there is no session, so a random double-submit cookie
plays the secret's part.

The session cookie is also ``SameSite=Strict``; the token does not rely on that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from starlette.requests import Request

from bcm.errors import Forbidden
from bcm.web.security import SESSION_COOKIE

FIELD = "csrf_token"
PRE_SESSION_COOKIE = "bcm_csrf"
PURPOSE = b"bcm-console-csrf\x00"


def token_for(secret: str) -> str:
    """The CSRF token bound to ``secret`` (a session secret or the pre-session cookie)."""
    digest = hashlib.sha256(PURPOSE + secret.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def session_token(request: Request) -> str:
    """The token for the signed-in reader's forms ("" without a session)."""
    secret = request.cookies.get(SESSION_COOKIE, "")
    return token_for(secret) if secret else ""


def new_pre_session_secret() -> str:
    """A fresh value for the pre-session cookie."""
    return secrets.token_urlsafe(32)


def check(request: Request, sent: str | None, *, pre_session: bool = False) -> None:
    """Refuse (``Forbidden``) a form whose token does not match the reader's secret."""
    cookie = PRE_SESSION_COOKIE if pre_session else SESSION_COOKIE
    secret = request.cookies.get(cookie, "")
    if not secret or not sent or not hmac.compare_digest(token_for(secret), sent):
        raise Forbidden("the form's CSRF token is missing or wrong; reload the page")

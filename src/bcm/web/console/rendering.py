"""Rendering console pages: the Jinja2 environment, the page frame's context, the security
headers every console answer carries, and time shown as a DTG.

The Content-Security-Policy allows scripts, styles, images and connections from BCM itself
only, and no inline script or style at all: templates never contain ``<script>`` bodies or
``style=`` attributes (a test greps them), so an injected tag cannot run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bcm.domain.model import Mode, Person
from bcm.web.console import csrf
from bcm.web.console.i18n import LANGUAGES, language_of, translator
from bcm.web.console.labels import Banner, banner_of

HERE = Path(__file__).parent
STATIC_PREFIX = "/static/console"
CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

environment = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def dtg(moment: datetime) -> str:
    """The date-time group of ``moment`` in UTC: ``262240Z FEB 09``."""
    utc = moment.astimezone(UTC)
    return f"{utc:%d%H%M}Z {MONTHS[utc.month - 1]} {utc:%y}"


def iso(moment: datetime) -> str:
    """``moment`` as ISO 8601 UTC, for ``<time datetime>`` and the script's local time."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


environment.filters["dtg"] = dtg
environment.filters["iso"] = iso


def secure(response: Response) -> Response:
    """Add the console's security headers to ``response``."""
    response.headers["content-security-policy"] = CSP
    response.headers["cross-origin-opener-policy"] = "same-origin"
    return response


def page(
    request: Request,
    template: str,
    *,
    person: Person | None = None,
    labels: list[str] | None = None,
    status: int = 200,
    **values: Any,
) -> Response:
    """Render ``template`` in the page frame: banners (roll-up of ``labels``), the exercise
    line, navigation, the reader's language and CSRF token."""
    language = language_of(request)
    nation = person.nationality if person else "USA"
    banner: Banner = banner_of(labels or [], nation)
    context = {
        "request": request,
        "lang": language,
        "languages": LANGUAGES,
        "t": translator(language),
        "person": person,
        "banner": banner,
        "exercise": person is not None and person.mode is Mode.EXERCISE,
        "csrf_token": csrf.session_token(request),
        "static": STATIC_PREFIX,
        **values,
    }
    html = environment.get_template(template).render(context)
    return secure(HTMLResponse(html, status_code=status))


def fragment(template: str, request: Request, **values: Any) -> str:
    """Render a partial template (no frame) in the reader's language."""
    language = language_of(request)
    context = {"t": translator(language), "lang": language, **values}
    return environment.get_template(template).render(context)

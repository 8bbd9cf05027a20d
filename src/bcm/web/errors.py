"""The error tree of ``bcm.errors`` as HTTP answers: JSON bodies naming the field and problem.

    InvalidInput / MarkingError / request validation → 422 {"error", "field", "message"}
    Unauthenticated → 401 (LoginThrottled → 429), Forbidden → 403, NotFound → 404,
    Conflict → 409; any other BcmError → 400.

Nothing here echoes the offending input back, and "missing" and "not visible" are one
answer by construction: services raise ``NotFound`` for both.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from bcm.auth.authenticator import LoginThrottled, SecondFactorRequired
from bcm.errors import (
    BcmError,
    Conflict,
    Forbidden,
    InvalidInput,
    MarkingError,
    NotFound,
    Unauthenticated,
)

log = logging.getLogger("bcm.web")

STATUS: list[tuple[type[BcmError], int, str]] = [
    (LoginThrottled, 429, "too_many_attempts"),
    (SecondFactorRequired, 401, "second_factor_required"),
    (Unauthenticated, 401, "unauthenticated"),
    (MarkingError, 422, "invalid_marking"),
    (InvalidInput, 422, "invalid_input"),
    (NotFound, 404, "not_found"),
    (Forbidden, 403, "forbidden"),
    (Conflict, 409, "conflict"),
    (BcmError, 400, "bad_request"),
]


def error_body(error: BcmError) -> tuple[int, dict[str, Any]]:
    """The status and JSON body for ``error``."""
    status, code = next((s, c) for kind, s, c in STATUS if isinstance(error, kind))
    body: dict[str, Any] = {"error": code, "message": str(error)}
    if isinstance(error, InvalidInput):
        body["field"] = error.field
        body["message"] = error.expected
    if isinstance(error, MarkingError):
        body["problems"] = [{"rule": r, "message": m} for r, m in error.problems]
        body["suggestion"] = error.suggestion
    if isinstance(error, NotFound):
        body["message"] = f"{error.kind} not found"
    return status, body


def _field_of(location: tuple[Any, ...]) -> str:
    # ("body", "items", 3, "label") → "items[3].label"; the leading "body"/"query" is dropped.
    parts = list(location[1:] if len(location) > 1 else location)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "request"


async def _bcm_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, BcmError)
    status, body = error_body(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {"loc": ("request",), "msg": "invalid"}
    body = {
        "error": "invalid_input",
        "field": _field_of(tuple(first.get("loc", ("request",)))),
        "message": str(first.get("msg", "invalid")),
    }
    return JSONResponse(body, status_code=422)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 400:  # a body that is not JSON (or not UTF-8): bad input
        body = {"error": "invalid_input", "field": "body", "message": "a JSON request body"}
        return JSONResponse(body, status_code=422)
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        error.status_code, "http_error"
    )
    message = "request body too large" if error.status_code == 413 else str(error.detail)
    return JSONResponse(
        {"error": code, "message": message},
        status_code=error.status_code,
        headers=error.headers,
    )


async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    # Bad input never lands here (it raises InvalidInput); this is a bug, logged by type only.
    log.error("unhandled error", extra={"fields": {"exception": type(error).__name__}})
    return JSONResponse({"error": "internal", "message": "internal error"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping on ``app``."""
    app.add_exception_handler(BcmError, _bcm_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)

"""Liveness for load balancers and metrics for operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel

from bcm.auth.directory import Principal
from bcm.web.schemas import ERROR_RESPONSES
from bcm.web.security import Caller, operator, runtime_of

router = APIRouter(tags=["operations"], responses=ERROR_RESPONSES)


class Health(BaseModel):
    """The server process is up and answering."""

    status: str


@router.get("/health", response_model=Health, summary="Liveness (no authentication)")
async def health() -> Health:
    """Answers while the process serves requests; checks nothing deeper on purpose."""
    return Health(status="ok")


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Prometheus metrics (operators only)",
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(request: Request, _who: Annotated[Principal, Depends(operator)]) -> str:
    """Request rates and latencies, writer queue depth and batch sizes, connected clients,
    login failures — in the Prometheus text exposition format."""
    return runtime_of(request).metrics.render()


@router.get("/api/v1/openapi.json", include_in_schema=False)
async def openapi_document(request: Request, _who: Caller) -> JSONResponse:
    """This API's OpenAPI document (also kept in docs/openapi.json)."""
    return JSONResponse(request.app.openapi())

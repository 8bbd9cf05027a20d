"""People (structure), the caller's own profile and working mode."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam

from bcm.auth.directory import Credential
from bcm.auth.tokens import Scope
from bcm.domain.model import ClearanceGrant, Person
from bcm.services import clearances, people
from bcm.services.core import Tx
from bcm.web.schemas import (
    ERROR_RESPONSES,
    Clean,
    ModeIn,
    PersonOut,
    ProfileOut,
    clearance_out,
    person_out,
)
from bcm.web.security import CredentialOf, call_service, scoped

router = APIRouter(prefix="/api/v1", tags=["people"], responses=ERROR_RESPONSES)
PeopleReader = Annotated[Credential, Depends(scoped(Scope.PEOPLE_READ))]


def profile_of(tx: Tx, *, actor: str) -> tuple[Person, list[ClearanceGrant]]:
    """The actor and their own clearance grants."""
    return people.get_person(tx, actor), list(clearances.list_clearances(tx, actor))


def list_people_as(tx: Tx, *, actor: str) -> list[Person]:
    """Every person and machine account."""
    return people.list_people(tx)


def get_person_as(tx: Tx, ref: str, *, actor: str) -> Person:
    """A person by id or login."""
    return people.get_person(tx, ref)


def _profile(person: Person, grants: list[ClearanceGrant]) -> ProfileOut:
    return ProfileOut(
        **person_out(person).model_dump(),
        mode=person.mode.value,
        clearances=[clearance_out(g) for g in grants],
    )


@router.get("/me", response_model=ProfileOut, summary="My profile")
async def me(request: Request, found: CredentialOf) -> ProfileOut:
    """The caller: person, working mode, clearances."""
    person, grants = await call_service(request, found, profile_of)
    return _profile(person, grants)


@router.put("/me/mode", response_model=ProfileOut, summary="Switch my working mode")
async def set_mode(body: ModeIn, request: Request, found: CredentialOf) -> ProfileOut:
    """Work in ``real-world`` or ``exercise``; every read then sees only that mode."""
    await call_service(request, found, people.set_mode, body.mode)
    person, grants = await call_service(request, found, profile_of)
    return _profile(person, grants)


@router.get("/people", response_model=list[PersonOut], summary="List people")
async def list_people(request: Request, found: PeopleReader) -> list[PersonOut]:
    """Every person and machine account of this node."""
    return [person_out(p) for p in await call_service(request, found, list_people_as)]


@router.get("/people/{person}", response_model=PersonOut, summary="One person")
async def get_person(
    person: Annotated[
        str, Clean, PathParam(min_length=1, max_length=200, description="id or login")
    ],
    request: Request,
    found: PeopleReader,
) -> PersonOut:
    """A person by id or login."""
    return person_out(await call_service(request, found, get_person_as, person))

"""Loading an org chart (YAML): nations, organizations, positions, people with their
clearances, bodies — in one unit of work, so a bad chart writes nothing.

Every error names the field (``people[3].organization``) and its line. The operator who
loads the chart (``operator:``, or the first person with the operator role) is the actor of
its audit records. The format is documented in docs/data-plane.md and shown by
``examples/org-chart.yaml``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from bcm.domain.events import OrgChartLoaded
from bcm.domain.model import Body, Nation, Organization, Person, Position, Role
from bcm.errors import Conflict, Forbidden, InvalidInput
from bcm.services.bodies import Members, check_new_body, do_create_body
from bcm.services.clearances import Terms, build_grant, check_security_officer, do_grant_clearance
from bcm.services.core import Tx
from bcm.services.people import check_new_person, do_add_person
from bcm.services.refs import resolve
from bcm.services.yamlnodes import Fields, Node, read_yaml
from bcm.storage.port import E

TOP = {"operator", "nations", "organizations", "positions", "people", "bodies"}
CLEARANCE = {
    "level",
    "compartments",
    "groups",
    "authorizations",
    "valid_from",
    "valid_until",
    "granted_by",
    "obligations",
    "acknowledged",
}


@dataclass(frozen=True, slots=True)
class ChartSummary:
    """What a load created."""

    nations: int
    organizations: int
    positions: int
    people: int
    clearances: int
    bodies: int
    operator: str | None


def load_org_chart(tx: Tx, text: str) -> ChartSummary:
    """Parse and load ``text``; all or nothing."""
    top = read_yaml(text).fields(TOP)
    nations = [_nation(tx, n) for n in _list(top, "nations")]
    orgs = [_organization(tx, o) for o in _list(top, "organizations")]
    positions = _positions(tx, _list(top, "positions"))
    people_nodes = _list(top, "people")
    logins: set[str] = set()
    people = [_person(tx, p, logins) for p in people_nodes]
    operator = _operator(tx, top, people)
    for person in people:
        do_add_person(tx, person, actor=operator)
    grants = sum(_clearance(tx, n, p, operator) for n, p in zip(people_nodes, people, strict=True))
    bodies = [_body(tx, b, operator) for b in _list(top, "bodies")]
    summary = ChartSummary(
        len(nations), len(orgs), len(positions), len(people), grants, len(bodies), operator
    )
    digest = hashlib.sha256(text.encode()).hexdigest()
    detail = {**summary_detail(summary), "sha256": digest}
    tx.audit(operator, "orgchart.load", None, detail=detail)
    tx.emit(OrgChartLoaded(len(people), len(bodies)))
    return summary


def summary_detail(summary: ChartSummary) -> dict[str, int]:
    """The counts of a summary."""
    return {
        "nations": summary.nations,
        "organizations": summary.organizations,
        "positions": summary.positions,
        "people": summary.people,
        "clearances": summary.clearances,
        "bodies": summary.bodies,
    }


def _list(top: Fields, name: str) -> list[Node]:
    node = top.get(name)
    return [] if node is None else node.items()


def _ref(tx: Tx, kind: type[E], node: Node) -> E:
    try:
        return resolve(tx, kind, node.text(), node.path)
    except InvalidInput as error:
        raise InvalidInput(error.field, error.expected, line=node.line) from None


def _nation(tx: Tx, node: Node) -> Nation:
    f = node.fields({"code", "name", "obligations"})
    code = f.text("code")
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        f.need("code").fail(f"an ISO 3166 trigraph such as USA (got {code!r})")
    nation = Nation(code, f.text("name"), tx.node, f.texts("obligations"))
    _add(tx, nation, f.need("code"))
    return nation


def _organization(tx: Tx, node: Node) -> Organization:
    f = node.fields({"key", "name", "nation", "parent"})
    parent_node = f.get("parent")
    parent = None if parent_node is None else _ref(tx, Organization, parent_node)
    nation_node = f.get("nation")
    if nation_node is not None:
        nation = _ref(tx, Nation, nation_node).code
    elif parent is not None:
        nation = parent.nation
    else:
        nation = f.text("nation")  # raises: a top-level organization names its nation
    org = Organization(
        tx.new_id(),
        tx.node,
        f.text("key"),
        f.text("name"),
        nation,
        None if parent is None else parent.id,
    )
    _add(tx, org, f.need("key"))
    return org


def _positions(tx: Tx, nodes: list[Node]) -> list[Position]:
    """Two passes: alternates and supervisors may name positions defined further down."""
    fields = [n.fields({"key", "name", "organization", "alternate", "supervisor"}) for n in nodes]
    created = []
    for f in fields:
        org = _ref(tx, Organization, f.need("organization"))
        position = Position(tx.new_id(), tx.node, f.text("key"), f.text("name"), org.id)
        _add(tx, position, f.need("key"))
        created.append(position)
    linked = []
    for f, position in zip(fields, created, strict=True):
        alternate, supervisor = f.get("alternate"), f.get("supervisor")
        updated = replace(
            position,
            alternate=None if alternate is None else _ref(tx, Position, alternate).id,
            supervisor=None if supervisor is None else _ref(tx, Position, supervisor).id,
        )
        tx.uow.replace(updated)
        linked.append(updated)
    return linked


PERSON = {"login", "name", "kind", "nationality", "organization", "positions", "roles"}


def _person(tx: Tx, node: Node, logins: set[str]) -> Person:
    f = node.fields(PERSON | {"clearance"})
    try:
        person = check_new_person(
            tx,
            f.text("login"),
            f.text("name"),
            f.text("nationality"),
            f.text("organization"),
            f.text("kind", "person"),
            f.texts("positions"),
            f.texts("roles"),
        )
    except InvalidInput as error:
        raise _at(f, error) from None
    if person.login in logins or tx.uow.find(Person, person.login) is not None:
        f.need("login").fail(f"a login not used before (got {person.login!r})")
    logins.add(person.login)
    return person


def _at(f: Fields, error: InvalidInput) -> InvalidInput:
    """Re-anchor a service-level error (``members.people[1]``) on the chart node it came
    from, so the message carries the chart path and line."""
    node = f.owner.locate(error.field.replace("[", ".").replace("]", "").split("."))
    return InvalidInput(f"{f.owner.path}.{error.field}", error.expected, line=node.line)


def _operator(tx: Tx, top: Fields, people: list[Person]) -> str | None:
    named = top.get("operator")
    if named is not None:
        login = named.text()
        for person in people:
            if person.login == login and person.has_role(Role.OPERATOR):
                return person.id
        named.fail(f"the login of a person with the operator role (got {login!r})")
    return next((p.id for p in people if p.has_role(Role.OPERATOR)), None)


def _clearance(tx: Tx, node: Node, person: Person, operator: str | None) -> int:
    """Grant the person's clearance, if the chart gives one; returns how many (0 or 1)."""
    clearance = node.fields(PERSON | {"clearance"}).get("clearance")
    if clearance is None:
        return 0
    f = clearance.fields(CLEARANCE)
    officer = _officer(tx, f.need("granted_by"), person)
    terms = Terms(
        f.text("level"),
        f.need("valid_until").time(),
        f.texts("compartments"),
        f.texts("groups"),
        f.texts("authorizations"),
    )
    start = f.get("valid_from")
    acknowledged = f.get("acknowledged")
    obligations = f.get("obligations")
    try:
        grant = build_grant(
            tx,
            person,
            terms,
            officer,
            None if start is None else start.time(),
            None if obligations is None else obligations.texts(),
            None if acknowledged is None else acknowledged.time(),
        )
    except InvalidInput as error:
        raise _at(f, error) from None
    do_grant_clearance(tx, grant, actor=operator)
    return 1


def _officer(tx: Tx, node: Node, person: Person) -> Person:
    officer = _ref(tx, Person, node)
    try:
        check_security_officer(tx, officer, person)
    except Forbidden as error:
        node.fail(f"a security officer of {person.nationality} ({error})")
    return officer


def _body(tx: Tx, node: Node, operator: str | None) -> Body:
    f = node.fields({"key", "name", "kind", "ceiling", "nation", "members"})
    members_node = f.get("members")
    members = Members()
    if members_node is not None:
        m = members_node.fields({"organizations", "positions", "people"})
        members = Members(m.texts("organizations"), m.texts("positions"), m.texts("people"))
    try:
        body = check_new_body(
            tx,
            f.text("key"),
            f.text("name"),
            f.text("kind", "general"),
            f.text("ceiling"),
            members,
            f.optional_text("nation"),
        )
    except InvalidInput as error:
        raise _at(f, error) from None
    if tx.uow.find(Body, body.key) is not None:
        f.need("key").fail(f"a key not used before (got {body.key!r})")
    return do_create_body(tx, body, actor=operator)


def _add(tx: Tx, entity: Nation | Organization | Position, key: Node) -> None:
    try:
        tx.uow.add(entity)
    except Conflict:
        key.fail(f"a key not used before (got {key.text()!r})")

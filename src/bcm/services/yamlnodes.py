"""A small typed reader over PyYAML's node tree, so every error names the field and line.

``yaml.compose`` keeps each node's position; reading through :class:`Node` and
:class:`Fields` turns a wrong shape, an unknown key or a missing field into
``InvalidInput(field, expected, line=...)`` with a path like ``people[3].clearance.level``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn

import yaml

from bcm.errors import InvalidInput


class Node:
    """One YAML node and where it is (its dotted path and 1-based line)."""

    def __init__(self, node: yaml.Node, path: str) -> None:
        self.node = node
        self.path = path
        self.line = node.start_mark.line + 1

    def fail(self, expected: str) -> NoReturn:
        """Raise bad input about this node."""
        raise InvalidInput(self.path or "org chart", expected, line=self.line)

    def text(self) -> str:
        """A non-empty scalar."""
        if not isinstance(self.node, yaml.ScalarNode) or not str(self.node.value).strip():
            self.fail("a non-empty text value")
        return str(self.node.value).strip()

    def items(self) -> list[Node]:
        """The elements of a sequence."""
        if not isinstance(self.node, yaml.SequenceNode):
            self.fail("a list")
        return [Node(child, f"{self.path}[{i}]") for i, child in enumerate(self.node.value)]

    def texts(self) -> tuple[str, ...]:
        """A list of non-empty scalars."""
        return tuple(item.text() for item in self.items())

    def time(self) -> datetime:
        """A date (midnight UTC) or an ISO-8601 time (UTC unless it says otherwise)."""
        value = self.text()
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"a date such as 2026-01-31 (got {value!r})")
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    def locate(self, steps: list[str]) -> Node:
        """The deepest node reachable along ``steps`` (field names and list indexes)."""
        if not steps:
            return self
        step, rest = steps[0], steps[1:]
        children: list[tuple[str, yaml.Node]] = []
        if isinstance(self.node, yaml.MappingNode):
            children = [(str(k.value), v) for k, v in self.node.value]
        elif isinstance(self.node, yaml.SequenceNode):
            children = [(str(i), v) for i, v in enumerate(self.node.value)]
        for name, child in children:
            if name == step:
                return Node(child, f"{self.path}.{step}").locate(rest)
        return self

    def fields(self, allowed: set[str]) -> Fields:
        """This mapping's fields; an unknown or repeated key is bad input."""
        if not isinstance(self.node, yaml.MappingNode):
            self.fail("a mapping of fields")
        found: dict[str, Node] = {}
        for key_node, value_node in self.node.value:
            key = Node(key_node, self.path).text()
            where = f"{self.path}.{key}" if self.path else key
            if key not in allowed:
                Node(key_node, where).fail(f"one of the fields {', '.join(sorted(allowed))}")
            if key in found:
                Node(key_node, where).fail("a field given once")
            found[key] = Node(value_node, where)
        return Fields(self, found)


class Fields:
    """The fields of one mapping node."""

    def __init__(self, owner: Node, found: dict[str, Node]) -> None:
        self.owner = owner
        self.found = found

    def get(self, name: str) -> Node | None:
        """The field's node, if present (an explicit null counts as absent)."""
        node = self.found.get(name)
        if node is None:
            return None
        if isinstance(node.node, yaml.ScalarNode) and node.node.tag.endswith(":null"):
            return None
        return node

    def need(self, name: str) -> Node:
        """The field's node; a missing field is bad input naming it."""
        node = self.get(name)
        if node is None:
            path = f"{self.owner.path}.{name}" if self.owner.path else name
            raise InvalidInput(path, "a value (the field is required)", line=self.owner.line)
        return node

    def text(self, name: str, default: str | None = None) -> str:
        """A required text field, or ``default`` when given and the field is absent."""
        node = self.get(name)
        if node is None and default is not None:
            return default
        return self.need(name).text()

    def optional_text(self, name: str) -> str | None:
        """A text field or ``None``."""
        node = self.get(name)
        return None if node is None else node.text()

    def texts(self, name: str) -> tuple[str, ...]:
        """A list of texts (empty when absent)."""
        node = self.get(name)
        return () if node is None else node.texts()


def read_yaml(text: str, source: str = "org chart") -> Node:
    """Compose ``text`` into a node tree; a YAML syntax error names its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        raise InvalidInput(source, f"valid YAML ({error.problem})", line=line) from None
    if root is None:
        raise InvalidInput(source, "a YAML document with nations, organizations, people...")
    return Node(root, "")

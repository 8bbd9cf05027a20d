"""Import rules of docs/architecture.md, checked on the source with ast.

Pure layers (markings, cables, domain) import only the standard library and the layers below
them; shells (cli, web) are never imported by the layers they sit on; the marking core is used
from outside only through ``bcm.markings`` itself.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "bcm"
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}

# Internal packages each layer may import. A layer missing from the table may import any
# internal package except the shells.
INTERNAL_ALLOWED: dict[str, frozenset[str]] = {
    "errors": frozenset(),
    "markings": frozenset({"errors", "markings"}),
    "cables": frozenset({"errors", "markings", "cables"}),
    "domain": frozenset({"errors", "markings", "domain"}),
}
PURE = frozenset({"errors", "markings", "cables", "domain"})
SHELLS = frozenset({"cli", "web"})
# Layers that must never import the shells above them.
BELOW_SHELLS = frozenset({"errors", "markings", "cables", "domain", "storage", "services", "feed"})


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        yield parts[0], path


def _imports(source: str) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "bcm":  # from bcm import markings -> bcm.markings
                for alias in node.names:
                    yield f"bcm.{alias.name}", node.lineno
            else:
                yield node.module, node.lineno


def _violations(layer: str, where: str, source: str) -> Iterator[str]:
    for name, line in _imports(source):
        top = name.split(".")[0]
        found = f"{where}:{line} imports {name}"
        if top != "bcm":
            if layer in PURE and top not in STDLIB:
                yield f"{found} (pure layer '{layer}' may import only the standard library)"
            continue
        parts = name.split(".")
        target = parts[1] if len(parts) > 1 else ""
        allowed = INTERNAL_ALLOWED.get(layer)
        if allowed is not None and target not in allowed:
            yield f"{found} ('{layer}' may import only {sorted(allowed)})"
        if layer in BELOW_SHELLS and target in SHELLS:
            yield f"{found} ('{layer}' sits below the shells)"
        if target == "markings" and layer != "markings" and len(parts) > 2:
            yield f"{found} (use the public interface: from bcm.markings import ...)"


def test_source_tree_exists() -> None:
    assert (SRC / "__init__.py").is_file()
    assert len(list(_modules())) > 3


@pytest.mark.parametrize(("layer", "path"), list(_modules()), ids=lambda v: str(v))
def test_imports_follow_the_layer_rules(layer: str, path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert list(_violations(layer, str(path.relative_to(SRC)), source)) == []


@pytest.mark.parametrize(
    ("layer", "source", "count"),
    [
        ("markings", "import sqlalchemy\nfrom bcm.services import x\n", 2),
        ("domain", "import json\nfrom bcm.markings import Label\n", 0),
        ("domain", "from bcm.markings.parse import parse_label\n", 1),
        ("domain", "from bcm import markings\n", 0),
        ("domain", "from bcm import storage\n", 1),
        ("storage", "from bcm.web import app\n", 1),
        ("cables", "import asyncio\nfrom bcm.storage import x\n", 1),
    ],
)
def test_the_checker_can_fail(layer: str, source: str, count: int) -> None:
    assert len(list(_violations(layer, "example.py", source))) == count

"""Vision reports facts; the words are the language layer's, the answers the
skills'.  The imports must keep that order, or the circle of old comes back
(the pipeline importing the skill that imports the pipeline)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DEVICE = Path(__file__).parents[2] / "device"


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("vision", ("device.skills", "device.language")),
        ("language", ("device.skills",)),
    ],
)
def test_lower_layers_do_not_import_higher_ones(package: str, forbidden: tuple[str, ...]) -> None:
    modules = sorted((DEVICE / package).glob("*.py"))
    assert modules
    for path in modules:
        bad = {name for name in imported(path) if name.startswith(forbidden)}
        assert not bad, f"device/{package}/{path.name} imports {sorted(bad)}"

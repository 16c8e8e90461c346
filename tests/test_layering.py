"""The house keeps its floors (README, "Layout"): each app imports only the apps
below it, and no product module grows past 500 lines.

    accounts  <-  plans  <-  coaching  <-  reviews  <-  api  <-  config, demo  <-  bench

Every import statement counts, those inside functions included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FLOOR = {
    "accounts": 0,
    "plans": 1,
    "coaching": 2,
    "reviews": 3,
    "api": 4,
    "config": 5,
    "demo": 5,
    "bench": 6,
}
PRODUCT = ("accounts", "plans", "coaching", "reviews", "api", "demo", "config")
LONGEST = 500


def modules(*apps: str) -> list[Path]:
    return sorted(
        path for app in apps for path in (ROOT / app).rglob("*.py") if ".venv" not in path.parts
    )


def imported_apps(path: Path) -> set[str]:
    """The top-level packages of ours that ``path`` imports (absolute imports only;
    a relative import stays inside its own app)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in FLOOR)
    return found


@pytest.mark.parametrize("app", list(FLOOR))
def test_an_app_imports_only_the_floors_below_it(app):
    wrong = [
        f"{path.relative_to(ROOT)} imports {other}"
        for path in modules(app)
        for other in imported_apps(path)
        if other != app and FLOOR[other] >= FLOOR[app]
    ]
    assert wrong == []


def test_no_product_module_is_over_500_lines():
    long = [
        f"{path.relative_to(ROOT)}: {lines}"
        for path in modules(*PRODUCT)
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > LONGEST
    ]
    assert long == []

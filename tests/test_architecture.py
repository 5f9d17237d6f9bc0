"""The layers show in the imports: each app depends only on the apps below it.

    core  <-  partnerships  <-  surveys  <-  reports        (config wires them together)

Every import is read from the source, lazy ones inside functions included, so a dependency
cannot hide in a function body.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ["core", "partnerships", "surveys", "reports", "config"]
# What each package must never import (its own layer and those below are allowed).
FORBIDDEN = {
    "core": {"partnerships", "surveys", "reports", "config"},
    "partnerships": {"surveys", "reports", "config"},
    "surveys": {"reports", "config"},
    "reports": {"config"},
}


def modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def imported(path: Path) -> set[str]:
    """The absolute names of every module this file imports."""
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                prefix = ".".join(base)
                module = f"{prefix}.{node.module}" if node.module else prefix
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_app_imports_only_the_apps_below_it(package):
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(package)
        for name in sorted(imported(path))
        if top(name) in FORBIDDEN[package]
    ]
    assert offending == []


def test_the_scoring_package_imports_no_django_and_nothing_of_the_product():
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("reports/scoring")
        for name in sorted(imported(path))
        if top(name) in {"django", "rest_framework", "celery", *PRODUCT}
        and not name.startswith("reports.scoring")
    ]
    assert offending == []


def test_no_product_module_imports_the_test_harness():
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in PRODUCT
        for path in modules(package)
        for name in sorted(imported(path))
        if top(name) == "tests"
    ]
    assert offending == []


def test_the_import_reader_sees_relative_and_lazy_imports():
    # The rules above are only as good as this reader: a relative import is resolved against
    # its package, and an import inside a function counts.
    found = imported(ROOT / "reports" / "apps.py")
    assert "surveys.signals" in found  # imported inside ReportsConfig.ready
    assert "reports.services" in found  # "from .services import ..." inside a function
    assert "reports.scoring.model" in imported(ROOT / "reports" / "scoring" / "reliability.py")

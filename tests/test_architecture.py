"""The layers hold: engines are pure, and nothing below the shells imports a shell.

Engines (rating, projects, facilities, portfolio, monitoring, green) and the domain take objects and return
results: they import neither the store, the services, the reports, the web nor the CLI. Services, reports
and the store are called by the shells (CLI, web) and never import them, so there is no import cycle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "computecredit"
ENGINES = ("rating", "projects", "facilities", "portfolio", "monitoring", "green", "programmes", "domain")
SHELLS = ("web", "cli")


def imported_packages(package: str) -> dict[str, set[str]]:
    """For each file of ``package``, the computecredit subpackages it imports (lazy imports included)."""
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            names.update(m.split(".")[1] for m in modules if m.startswith("computecredit."))
        found[str(path.relative_to(PACKAGE))] = names
    return found


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_import_no_store_service_report_or_shell(engine: str) -> None:
    forbidden = {"store", "services", "reports", *SHELLS}
    offenders = {
        f: sorted(names & forbidden) for f, names in imported_packages(engine).items() if names & forbidden
    }
    assert offenders == {}


@pytest.mark.parametrize("package", ["services", "reports", "store"])
def test_services_reports_and_store_import_no_shell(package: str) -> None:
    offenders = {
        f: sorted(names & set(SHELLS)) for f, names in imported_packages(package).items() if names & set(SHELLS)
    }
    assert offenders == {}


def test_reports_and_store_import_no_service() -> None:
    for package in ("reports", "store"):
        offenders = {f: n & {"services"} for f, n in imported_packages(package).items() if "services" in n}
        assert offenders == {}, package


ORM_QUERY = re.compile(
    r"\b(sa\.(select|update|delete|text|func)|session\.(execute|get|query|scalars?))\(|\bsa\.func\."
)


@pytest.mark.parametrize("package", ["services", "web"])
def test_the_store_owns_every_query(package: str) -> None:
    """Services and web routers ask the store's repository functions; they build no query themselves."""
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            {m.group(0) for m in ORM_QUERY.finditer(path.read_text(encoding="utf-8"))}
        )
        for path in sorted((PACKAGE / package).rglob("*.py"))
        if ORM_QUERY.search(path.read_text(encoding="utf-8"))
    }
    assert offenders == {}

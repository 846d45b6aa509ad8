"""The engine is plain Python: no Flask, no database, nothing of the portal outside portal.pension_rules, so that the
web page, the API and the CLI are three faces on the same function (docs/ARCHITECTURE.md)."""

import ast
import csv
from pathlib import Path

import portal.pension_rules

PACKAGE = Path(portal.pension_rules.__file__).parent
FORBIDDEN = ("flask", "flask_login", "flask_wtf", "wtforms", "sqlalchemy", "werkzeug", "jinja2")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_engine_imports_neither_flask_nor_the_database_nor_the_rest_of_the_portal():
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 6
    for module in modules:
        for name in _imports(module):
            root = name.split(".")[0]
            assert root not in FORBIDDEN, f"{module.name} imports {name}"
            if root == "portal":
                assert name.startswith("portal.pension_rules"), f"{module.name} imports {name}"


def test_every_legislation_row_names_its_source():
    for table in sorted((PACKAGE / "data").glob("*.csv")):
        rows = list(csv.DictReader(table.read_text(encoding="utf-8").splitlines()))
        assert rows, table.name
        assert all(row["source"].strip() for row in rows), table.name

"""The house's layout (docs/architecture.md), checked: the two audiences' blueprints are
thin (views, forms, templates: no models, no SQL), and imports run one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parents[2] / "course"
BLUEPRINTS = ("learn", "facilitate")
# Calls a view must leave to the feature packages: SQLAlchemy's statement builders, and the
# session's ways of running a statement (db.session.delete(row) of a row an owner loader
# gave the view, commit and rollback stay with the view).
STATEMENTS = {"select", "insert", "update", "delete", "text"}
RUNNING = {"execute", "scalar", "scalars", "query"}


def _modules(package: str):
    return sorted((COURSE / package).rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", [p for b in BLUEPRINTS for p in _modules(b)],
                         ids=lambda p: str(p.relative_to(COURSE)))
def test_blueprints_hold_no_sql_and_no_models(path):
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in STATEMENTS:
                found.append(f"line {node.lineno}: {func.id}(...)")
            if isinstance(func, ast.Attribute) and func.attr in RUNNING:
                found.append(f"line {node.lineno}: .{func.attr}(...)")
        if isinstance(node, ast.ClassDef) and any(
                getattr(base, "attr", getattr(base, "id", "")) == "Model" for base in node.bases):
            found.append(f"line {node.lineno}: model {node.name}")
        if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy":
            found.append(f"line {node.lineno}: imports sqlalchemy")
    assert not found, f"{path.relative_to(COURSE)} reaches the database itself: {found}"


FEATURES = [p for p in COURSE.iterdir() if p.is_dir() and (p / "__init__.py").exists()
            and p.name not in (*BLUEPRINTS, "auth", "main", "templates", "static")]


@pytest.mark.parametrize("package", FEATURES, ids=lambda p: p.name)
def test_features_never_import_a_blueprint(package):
    found = []
    for path in package.rglob("*.py"):
        for node in ast.walk(_tree(path)):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [f"{path.name}: {name}" for name in names
                      if name.split(".")[:2] in (["course", b] for b in (*BLUEPRINTS, "auth"))]
    assert not found, f"course/{package.name} imports a blueprint: {found}"

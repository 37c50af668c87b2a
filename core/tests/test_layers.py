"""core holds shared mechanisms and depends on no domain app (DESIGN.md layout): checked on the source itself."""

import ast
from pathlib import Path

from django.conf import settings

DOMAIN_APPS = {
    "accounts",
    "areas",
    "producers",
    "products",
    "evaluation",
    "certification",
    "ntm",
    "programme",
    "reports",
    "catalog",
    "notifications",
}  # `api` is the API object every app (core too) contributes a router to, not a domain app


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_core_imports_no_domain_app():
    core = Path(settings.BASE_DIR) / "core"
    offenders = {
        str(path.relative_to(core)): sorted(imported_modules(path) & DOMAIN_APPS)
        for path in core.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_reference_data_steps_and_the_scope_resolver_are_importable():
    from django.utils.module_loading import import_string

    assert callable(import_string(settings.AREA_SCOPE))
    assert all(callable(import_string(step)) for step in settings.REFERENCE_DATA_STEPS)

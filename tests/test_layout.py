"""The architecture, checked: which package may import which (every import statement in the
module, including those inside functions, read from the parsed source)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reasoner"

# package -> the project packages it must never import
FORBIDDEN = {
    "reasoner.engine": ("api", "reasoner.store", "reasoner.reader", "reasoner.workflows",
                        "reasoner.scoring", "reasoner.authoring", "reasoner.cli"),
    "reasoner.store": ("api", "reasoner.engine", "reasoner.reader", "reasoner.workflows",
                       "reasoner.scoring", "reasoner.authoring", "reasoner.cli"),
    "reasoner.reader": ("api", "reasoner.store", "reasoner.workflows", "reasoner.scoring",
                        "reasoner.authoring", "reasoner.cli"),
    "reasoner.authoring": ("api", "reasoner.store", "reasoner.reader", "reasoner.workflows",
                           "reasoner.cli"),
    "reasoner.scoring": ("api", "reasoner.store", "reasoner.workflows", "reasoner.cli"),
    "reasoner.workflows": ("api", "reasoner.cli"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_follow_the_architecture(path):
    module = module_name(path)
    rules = [banned for package, banned in FORBIDDEN.items() if _within(module, package)]
    wrong = sorted(name for name in imports(path) for banned in rules for b in banned
                   if _within(name, b))
    assert not wrong, f"{module} imports {wrong}"


def test_the_rules_cover_every_package():
    packages = {module_name(p) for p in PACKAGE.glob("*/__init__.py")}
    assert packages <= set(FORBIDDEN), packages - set(FORBIDDEN)


def test_a_forbidden_import_is_caught(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from reasoner.store.embedded import Store\n")
    assert "reasoner.store.embedded" in imports(sample)


def test_only_the_workflows_compose_reasoning_and_storing():
    """The CLI and the API call workflows; neither builds a report or a run graph itself."""
    composers = ("case_report", "run_triples", "read_letter", "score_item")
    for path in [PACKAGE / "cli.py", *sorted((ROOT / "api").rglob("*.py"))]:
        names = imports(path)
        used = sorted(n for n in names for c in composers if n.endswith("." + c))
        assert not used, f"{path.relative_to(ROOT)} composes with {used}"


def _bound_twice(source: str) -> list[str]:
    """The names a module binds more than once at its top level (constants, functions,
    classes): the later silently replaces the earlier for every use in the module."""
    seen: dict[str, int] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        else:
            names = []
        for name in names:
            seen[name] = seen.get(name, 0) + 1
    return sorted(n for n, count in seen.items() if count > 1)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.stem)
def test_no_module_binds_a_name_twice(path):
    """A constant added under a name the module already uses replaces it everywhere (twice a
    reader pattern, `_LEAD_IN` and `_RESULT`, was shadowed so and read whole letters wrong)."""
    assert _bound_twice(path.read_text()) == []


def test_a_name_bound_twice_is_caught():
    assert _bound_twice("import re\n_X = re.compile('a')\n\ndef f():\n    return _X\n\n"
                        "_X = 'b'\n") == ["_X"]

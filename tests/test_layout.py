"""The house rules of the layout: no import circle inside ``cases``, and no
module too long to read (``models.py`` may be longer, as the house style says)."""

import ast
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parent.parent / "cases"
MAX_LINES = 800
MAX_LINES_MODELS = 1000


def _module_name(path: Path) -> str:
    parts = path.relative_to(CASES.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in CASES.rglob("*.py")
        if "migrations" not in path.parts
    }


def _imports_at_load(path: Path, name: str, known: set[str]) -> set[str]:
    """The ``cases`` modules this module imports when it is loaded (not the
    imports inside functions, nor those under ``if TYPE_CHECKING``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {target for target in targets if target in known}
    return found - {name}


def test_no_import_circle_in_cases():
    modules = _modules()
    graph = {name: _imports_at_load(path, name, set(modules)) for name, path in modules.items()}

    def visit(name, trail):
        if name in trail:
            return trail[trail.index(name) :] + [name]
        for target in graph[name]:
            circle = visit(target, trail + [name])
            if circle:
                return circle
        return None

    for name in graph:
        circle = visit(name, [])
        assert circle is None, " → ".join(circle)


def test_the_graph_sees_the_imports():
    # the check above must see real edges, or it proves nothing
    modules = _modules()
    views = _imports_at_load(modules["cases.views.sessions"], "cases.views.sessions", set(modules))
    assert {"cases.actions", "cases.permissions", "cases.models"} <= views
    assert "cases.permissions" not in _imports_at_load(
        modules["cases.models"], "cases.models", set(modules)
    )


@pytest.mark.parametrize("name", sorted(_modules()))
def test_no_module_is_too_long(name):
    path = _modules()[name]
    limit = MAX_LINES_MODELS if name == "cases.models" else MAX_LINES
    assert len(path.read_text().splitlines()) <= limit, name

"""The package layout: one import direction (no cycles), small modules, the data flow folders."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "geohra"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for p in PACKAGE.rglob("*.py")
        if "plugin" not in p.parts  # the QGIS plugin is a separate program (imports qgis)
    }


def _top_level_imports(path: Path, name: str, known: set[str]) -> set[str]:
    """geohra modules imported at module level (imports inside functions are deferred and
    cannot form an import-time cycle)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST, guarded: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name in known)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - child.level + 1])
                    base = f"{base}.{child.module}" if child.module else base
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    found.add(full if full in known else base)
            visit(child, guarded)

    visit(tree, False)
    return {m for m in found if m in known and m != name}


def test_no_import_cycle_in_geohra():
    modules = _modules()
    known = set(modules)
    graph = {name: _top_level_imports(path, name, known) for name, path in modules.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                dfs(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            dfs(node)


def test_data_flow_folders_exist():
    for folder in ("io", "spatial", "dynamics", "inequality", "maps", "report", "qgis"):
        assert (PACKAGE / folder / "__init__.py").is_file(), folder


def test_modules_stay_small():
    # STYLE.md: modules of a few hundred lines; issue 8 sets "about 400"
    limit = 450
    big = {
        _module_name(p): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > limit
    }
    assert not big, f"modules over {limit} lines: {big}"

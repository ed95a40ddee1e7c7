"""The package's layout: folders by role, no import cycle, few modules at the top.

Imports are read from the source with ``ast``: those inside functions count (they run when the function does), those
under ``if TYPE_CHECKING:`` do not. Dynamic imports by name (the CLI's subcommands, ``wasmlint``'s lazy attributes)
are not edges.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "wasmlint"
TOP_LEVEL = {"__init__", "__main__", "cli", "escape", "fileio", "model", "record", "parallel", "discover"}
"""The entry points and the few value modules every role uses."""


def module_name(path: Path) -> str:
    parts = ["wasmlint", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports when it runs (a name imported from a package that is a module
    of its own counts as that module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    found.add(f"{target}.{alias.name}")
                elif target in modules:
                    found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    return {module_name(path): runtime_imports(path, modules) for path in paths}


def test_the_graph_sees_imports_inside_functions_and_skips_type_checking_ones() -> None:
    graph = import_graph()
    assert "wasmlint.manifest.loader" in graph["wasmlint.manifest.cache"]  # imported inside cached()
    assert "wasmlint.manifest.loader" not in graph["wasmlint.manifest.load"]  # only under TYPE_CHECKING
    assert "wasmlint.decode.custom" in graph["wasmlint.decode.module"]  # `from . import custom`


def test_no_import_cycle_among_the_package_modules() -> None:
    graph = import_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                walk(target, [*path, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    assert cycles == []


def test_few_modules_stay_at_the_top_and_every_folder_says_what_belongs_there() -> None:
    assert {path.stem for path in PACKAGE.glob("*.py")} == TOP_LEVEL
    for init in PACKAGE.glob("*/__init__.py"):
        if init.parent.name in ("presets", "schemas"):  # data folders
            continue
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), init


def test_escaping_and_manifest_values_are_seams_of_their_own() -> None:
    graph = import_graph()
    assert not {m for m in graph["wasmlint.gen.templating"] | graph["wasmlint.gen.codegen"] if "render" in m}
    assert graph["wasmlint.manifest.values"] <= {"wasmlint.model", "wasmlint.record"}

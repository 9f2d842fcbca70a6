"""The house rules, read from the source: no cycle between packages, no import hidden inside a
function to dodge one, the log below everything that uses it, and no file over 400 lines.

Nodes are the packages under `corridor/` (`groups`, `log`, `web`...) and the modules directly
in it (`db`, `uow`, `app`...). An edge is any import, at the top or inside a function, because
an import inside a function is still a dependency: it only hides the cycle from Python.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import corridor

SRC = Path(corridor.__file__).parent
MAX_LINES = 400
# Command modules may load what a command needs when it runs, so `corridor --help` stays quick.
COMMAND_MODULES = ("cli.py", "server_cli.py", "cli_common.py")
# What the log may import besides itself: it knows no contact group, pause or page.
LOG_MAY_IMPORT = {"corridor", "db", "clock", "errors", "client", "inputs", "policy", "config"}


def _modules() -> Iterator[tuple[Path, str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.relative_to(SRC).parts:
            continue  # Alembic's own layout: env.py imports every model
        yield path, _node(path), ast.parse(path.read_text(encoding="utf-8"))


def _node(path: Path) -> str:
    """The package or top-level module a file belongs to."""
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imported(tree: ast.AST) -> Iterator[tuple[ast.stmt, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "corridor":
                for alias in node.names:
                    yield node, f"corridor.{alias.name}"
            else:
                yield node, node.module


def _target(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "corridor":
        return None
    if len(parts) == 1:
        return "corridor"
    return parts[1]


def _graph() -> dict[str, dict[str, list[str]]]:
    """node -> imported node -> where (file:line), for imports between different nodes."""
    graph: dict[str, dict[str, list[str]]] = {}
    for path, node, tree in _modules():
        edges = graph.setdefault(node, {})
        for stmt, module in _imported(tree):
            target = _target(module)
            if target is not None and target != node:
                where = f"{path.relative_to(SRC)}:{stmt.lineno}"
                edges.setdefault(target, []).append(where)
    return graph


def _cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_cycle_between_packages() -> None:
    graph = _graph()
    messages = []
    for component in _cycles(graph):
        inside = set(component)
        edges = [f"  {a} -> {b} ({graph[a][b][0]})" for a in component for b in graph[a]
                 if b in inside]
        messages.append(f"cycle {component}:\n" + "\n".join(edges))
    assert not messages, "\n".join(messages)


def test_the_finder_sees_a_cycle() -> None:
    # The check above must be able to fail.
    assert _cycles({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}, "d": {"a": []}}) == [
        ["a", "b", "c"]]
    assert _cycles({"a": {"b": []}, "b": {}}) == []


def test_the_log_imports_nothing_above_it() -> None:
    above = {target: where for target, where in _graph()["log"].items()
             if target not in LOG_MAY_IMPORT}
    assert not above, f"corridor.log imports {above}"


def test_no_corridor_import_inside_a_function_outside_the_commands() -> None:
    hidden = []
    for path, _, tree in _modules():
        if path.name in COMMAND_MODULES:
            continue
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                hidden += [f"{path.relative_to(SRC)}:{stmt.lineno} {module}"
                           for stmt, module in _imported(fn) if _target(module)]
    assert not hidden, "imports inside functions:\n" + "\n".join(hidden)


def test_no_file_over_400_lines() -> None:
    long = [f"{path.relative_to(SRC)}: {n}" for path in SRC.rglob("*.py")
            if "migrations" not in path.parts
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, "files over 400 lines:\n" + "\n".join(long)


def test_policy_is_checked_in_services_not_in_routes_or_pages() -> None:
    # Pages and routes ask a service (`pauses.may_amend`, `members.add_person`...), so that
    # the API and the pages cannot come to disagree on who may do what.
    asking = [f"{path.relative_to(SRC)}:{stmt.lineno}" for path, node, tree in _modules()
              if node == "web" or path.name == "api.py"
              for stmt, module in _imported(tree) if module == "corridor.policy"]
    assert not asking, "policy used outside the services:\n" + "\n".join(asking)

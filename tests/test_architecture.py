"""The shape of the code a newcomer learns once: no import cycles, no giant files or functions, one way
to commit, and no URL paths written outside views and templates."""
import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "neighbors"
MAX_FILE_LINES = 700
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module of the package that `name` imports, at any depth of its code (a function-level
    import is still a dependency: it only hides a cycle until the function runs)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            edges.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if candidate in known:
                    edges.add(candidate)
                elif target in known:
                    edges.add(target)
    edges.discard(name)
    return edges


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return result


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    # a package's __init__ that only re-exports its submodules is not a dependency of theirs
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_no_import_cycle_inside_the_package():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_modules_never_import_each_other():
    modules = ("kitchen", "mutualaid", "alleys", "staff", "visits", "registers", "assessment")
    for name, edges in _graph().items():
        parts = name.split(".")
        own = parts[1] if len(parts) > 1 and parts[1] in modules else None
        for target in edges:
            other = target.split(".")[1] if target.count(".") else None
            if other in modules and own is not None:
                assert other == own, f"{name} imports {target}"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_file_is_long_and_no_function_is_long(path: Path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_FILE_LINES
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []


def _code_files():
    return [p for p in PACKAGE.rglob("*.py") if p.name != "views.py" and "bench_data" not in p.parts]


def test_services_commit_only_through_the_service_decorator():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        # the decorator itself (and its `discard`, which error handlers and the tick use); commands and
        # generated data that write in bulk outside the request cycle
        if (path.name in ("transactions.py", "cli.py", "backup.py") or "demo" in path.name
                or "bench_data" in path.parts):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"db\.session\.(commit|rollback)\(\)", line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}")
    assert offenders == []


def test_no_url_path_literals_outside_views_and_templates():
    path_literal = re.compile(r"""["'](/(kitchen|aid|alleys|staff|appeals|auth|visits|notifications)(/[^"']*)?)["']""")
    offenders = []
    for path in _code_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if path_literal.search(line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert offenders == []

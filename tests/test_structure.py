"""The packages' shape, read from their source with ``ast``: no import cycles, no graphviz where nothing draws.

The import graph has an edge from a module to every module it imports, wherever
the import statement is: at the top, inside a function (a lazy import) or under
``if TYPE_CHECKING:`` (a type-only import). Two modules that import each other,
however, are two halves of one idea, or a sign that one of them holds something
of the other's.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "nn", "viz", "demos")

#: Cycles outside viz and demos, through type-only imports, known and left to their packages:
#: each as the sorted tuple of its modules. A cycle that goes away is no failure.
KNOWN_CYCLES = {
    ("engine.checks", "engine.graph", "engine.value"),
    ("nn.ledger", "nn.ledger_format"),
}


def modules(root: Path = REPO) -> dict[str, Path]:
    """Every module of the packages: dotted name -> file (a package by its ``__init__.py``)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imported(tree: ast.AST, package: str, known: dict[str, Path]) -> Iterator[str]:
    """The dotted names ``tree`` imports, anywhere in it; ``from a import b`` is ``a.b`` when that is a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x, from ..a import b
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base


def import_graph(root: Path = REPO) -> dict[str, set[str]]:
    """module -> the project modules it imports (an import of ``a.b.c`` counts for the module that holds it)."""
    known = modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for target in _imported(ast.parse(path.read_text(encoding="utf-8")), package, known):
            while target and target not in known:  # a name inside a module: the module
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            nxt = next(edges, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(tuple(sorted(group)))
    return found


def test_the_import_graph_has_no_cycle():
    found = cycles(import_graph())
    unknown = [c for c in found if c not in KNOWN_CYCLES]
    assert not unknown, f"modules that import each other (directly or around a loop): {unknown}"
    assert not [c for c in found if any(m.split(".")[0] in ("viz", "demos") for m in c)]


def test_the_cycle_finder_finds_cycles():
    # The finder itself: a loop through three modules, one pair, a self-free chain.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}, "f": {"a"}, "g": set()}
    assert sorted(cycles(graph)) == [("a", "b", "c"), ("d", "e")]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_lazy_and_type_only_imports_are_edges(tmp_path):
    pkg = tmp_path / "viz"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from viz.b import B\n")
    (pkg / "b.py").write_text("def f():\n    from viz import a\n    return a\n")
    for other in ("engine", "nn", "demos"):
        (tmp_path / other).mkdir()
    graph = import_graph(tmp_path)
    assert graph["viz.a"] == {"viz.b"} and graph["viz.b"] == {"viz.a"}
    assert cycles(graph) == [("viz.a", "viz.b")]


@pytest.mark.parametrize("modules_", [
    "viz.practice.check, viz.practice.questions, viz.practice.diagnosis",
    "viz.chainrule.explanation, viz.chainrule.latex, viz.replay.step_text",
])
def test_what_never_draws_imports_no_graphviz(modules_):
    code = (f"import sys, viz, {modules_}\nfrom viz import explain, Explanation, TooManyPathsError\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'graphviz'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout


def test_drawing_does_import_graphviz():
    # The check above can fail: asking viz for a drawing function brings graphviz in.
    code = "import sys\nfrom viz import draw\nprint('graphviz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.stdout.strip() == "True", out.stderr


# ------------------------------------------------------------------ sizes: files, functions, parameters

MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_POSITIONAL = 6

#: Functions outside viz and demos over a limit, known and left to their packages (file name::function;
#: by file name, so that a module moved to another package keeps its entry). A fixed one is no failure.
KNOWN_LONG: set[str] = set()
KNOWN_POSITIONAL: set[str] = set()
KNOWN_LONG_FILES: set[str] = set()
#: Files in viz that are another package's to split (none).
NOT_OURS: set[str] = set()


def source_files(root: Path = REPO) -> list[Path]:
    """The packages' Python files and the explorer page's script, style and template."""
    files = [p for package in PACKAGES for p in sorted((root / package).rglob("*.py"))]
    return files + sorted(p for p in (root / "viz").rglob("static/*") if p.suffix in (".js", ".css", ".html"))


def functions(path: Path) -> Iterator[tuple[str, int, int]]:
    """(name, lines, positional parameters) of every function in ``path``, nested ones and methods too.

    Lines run from the ``def`` to the function's last line (its docstring included); ``self`` and
    ``cls`` are not counted as parameters.
    """
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            positional = [a.arg for a in node.args.posonlyargs + node.args.args]
            if positional[:1] in (["self"], ["cls"]):
                positional = positional[1:]
            assert node.end_lineno is not None
            yield node.name, node.end_lineno - node.lineno + 1, len(positional)


def offenders(root: Path = REPO) -> tuple[set[str], set[str], set[str]]:
    """(files over MAX_FILE_LINES, functions over MAX_FUNCTION_LINES, functions over MAX_POSITIONAL)."""
    files, long, positional = set(), set(), set()
    for path in source_files(root):
        rel = path.relative_to(root).as_posix()
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_FILE_LINES:
            files.add(rel)
        if path.suffix != ".py":
            continue
        for name, lines, n_positional in functions(path):
            if lines > MAX_FUNCTION_LINES:
                long.add(f"{rel}::{name}")
            if n_positional > MAX_POSITIONAL:
                positional.add(f"{rel}::{name}")
    return files, long, positional


def _unknown(found: set[str], known: set[str]) -> list[str]:
    return sorted(f for f in found if f"{Path(f.split('::')[0]).name}::{f.split('::')[-1]}" not in known
                  and f not in known)


def test_files_and_functions_stay_small():
    files, long, positional = offenders()
    too_long = sorted(files - KNOWN_LONG_FILES)
    assert not too_long, f"files over {MAX_FILE_LINES} lines: {too_long}"
    assert not _unknown(long, KNOWN_LONG), f"functions over {MAX_FUNCTION_LINES} lines: {_unknown(long, KNOWN_LONG)}"
    wide = _unknown(positional, KNOWN_POSITIONAL)
    assert not wide, f"functions with more than {MAX_POSITIONAL} positional parameters: {wide}"


def test_viz_and_demos_have_no_known_offenders():
    files, long, positional = offenders()
    ours = [f for f in files | long | positional
            if f.split("/")[0] in ("viz", "demos") and f.split("::")[0] not in NOT_OURS]
    assert not ours, ours


def test_the_size_checks_can_fail(tmp_path):
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "viz" / "big.py").write_text(
        f"def long():\n{body}\n\n\ndef wide(a, b, c, d, e, f, g, *, h=1):\n    return a\n\n\n"
        "class K:\n    def method(self, a, b, c, d, e, f):\n        return a\n" + "#\n" * MAX_FILE_LINES)
    files, long, positional = offenders(tmp_path)
    assert files == {"viz/big.py"}
    assert long == {"viz/big.py::long"}
    assert positional == {"viz/big.py::wide"}  # method's six after self are allowed


# ------------------------------------------------------------------ the README's map of viz


def readme_viz_files(readme: str) -> set[str]:
    """The files the README's Layout section names under ``viz/``, as paths (``viz/graph/draw.py``)."""
    block = readme.split("\n## Layout", 1)[1].split("```", 2)[1]
    lines = block.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("viz/"))
    named, folder = set(), "viz"
    for line in lines[start + 1:]:
        if not line.startswith("  "):  # the next package
            break
        words = line.split()
        if not line.startswith("    "):
            folder = "viz"
            if words[0].endswith("/"):
                folder = "viz/" + words[0].rstrip("/")
                named.add(folder + "/")
                continue
        for word in words:
            word = word.rstrip(",")
            if word.endswith((".py", "/")) and "(" not in word:
                named.add(f"{folder}/{word}")
            elif not word.endswith(","):
                break  # the description begins
    return named


def test_the_readme_layout_names_every_viz_file():
    named = readme_viz_files((REPO / "README.md").read_text(encoding="utf-8"))
    modules_ = {p.relative_to(REPO).as_posix() for p in (REPO / "viz").rglob("*.py") if p.name != "__init__.py"}
    modules_ -= {"viz/__main__.py"}
    folders = {p.relative_to(REPO).as_posix() + "/" for p in (REPO / "viz").rglob("*") if p.is_dir()
               and p.name != "__pycache__"}
    assert modules_ <= named, f"viz files the README's Layout does not name: {sorted(modules_ - named)}"
    stale = sorted(named - modules_ - folders)
    assert not stale, f"named in the README's Layout, not in viz: {stale}"

"""viz.dot_on_path(): the graphviz package finds the dot chaingrad draws with.

Each case runs in a fresh interpreter whose PATH holds no ``dot`` (only the
directory of the Python executable), so what the graphviz package finds is
exactly what dot_on_path() arranged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from viz.graph.dot_program import find_dot

SCRIPT = """
import shutil, graphviz, viz
src = graphviz.Source("digraph { a -> b }")
try:
    src.pipe(format="svg")
    print("before: found")
except graphviz.ExecutableNotFound:
    print("before: not found")
path = viz.dot_on_path()
print("same:", viz.dot_on_path() == path == shutil.which("dot"))
svg = src.pipe(format="svg").decode()
print("after:", "<svg" in svg and ">a</text>" in svg)
"""


def run(env_path: str, dot: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PATH", "CHAINGRAD_DOT")}
    env["PATH"] = env_path
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    if dot:
        env["CHAINGRAD_DOT"] = dot
    return subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120)


def test_without_dot_on_path_the_graphviz_package_finds_chaingrads():
    try:
        exe = find_dot()
    except Exception as err:  # no dot at all: nothing to point at
        pytest.skip(f"no dot executable: {err}")
    bare = str(Path(sys.executable).parent)
    if shutil.which("dot", path=bare):
        pytest.skip(f"{bare} holds a dot itself")
    out = run(bare, exe)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["before: not found", "same: True", "after: True"]


def test_an_existing_dot_is_left_alone(tmp_path):
    try:
        exe = find_dot()
    except Exception as err:
        pytest.skip(f"no dot executable: {err}")
    (tmp_path / "dot").symlink_to(exe)
    out = run(f"{tmp_path}{os.pathsep}{Path(sys.executable).parent}", None)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["before: found", "same: True", "after: True"]


def test_no_dot_anywhere_is_a_clear_error(tmp_path):
    code = ("import viz\ntry:\n    viz.dot_on_path()\nexcept viz.DotNotFoundError as e:\n    print(e)")
    env = {k: v for k, v in os.environ.items() if k not in ("PATH", "CHAINGRAD_DOT")}
    env.update(PATH=str(tmp_path), CHAINGRAD_DOT=str(tmp_path / "missing-dot"),
               PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "does not name an executable file" in out.stdout and "graphviz-pure" in out.stdout

"""Let the ``graphviz`` package find the dot chaingrad uses: ``viz.dot_on_path()``.

The ``graphviz`` package runs the program called ``dot`` on ``PATH``. After
``pip install`` alone, the dot chaingrad draws with is ``graphviz-pure``'s,
whose program is called ``graphviz-pure``, so chaingrad's drawings work while
your own ``graphviz.Source(...).render()`` in the same notebook does not find
one. One call fixes that for the running process::

    import viz
    viz.dot_on_path()          # then graphviz.Source("digraph { a -> b }").render() works

It is a function, not something ``import viz`` does: changing ``PATH`` and
creating files are side effects a library should not have unasked.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from viz.graph.dot_program import find_dot

__all__ = ["dot_on_path"]


def dot_on_path() -> str:
    """Make ``dot`` on ``PATH`` the dot chaingrad finds (``viz.find_dot()``); returns its path.

    When a program called ``dot`` is already on ``PATH`` nothing changes and its
    path is returned. Otherwise a temporary directory holding a ``dot`` that is a
    link to (or, where links are not allowed, a copy of) the found executable is
    put first on this process's ``PATH`` (and its children's), and removed at
    exit. Raises ``DotNotFoundError`` (saying how to install one) when there is no dot at all.
    """
    existing = shutil.which("dot")
    if existing:
        return existing
    exe = Path(find_dot())
    directory = Path(tempfile.mkdtemp(prefix="chaingrad-dot-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    target = directory / ("dot" + exe.suffix)  # dot.exe on Windows
    try:
        target.symlink_to(exe)
    except OSError:  # Windows without the privilege to make links
        shutil.copy2(exe, target)
    os.environ["PATH"] = str(directory) + os.pathsep + os.environ.get("PATH", "")
    found = shutil.which("dot")
    if found is None:  # pragma: no cover - the directory was just put first on PATH
        raise OSError(f"dot_on_path: {target} is not runnable as dot")
    return found

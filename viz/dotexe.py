"""Finding and running a Graphviz ``dot`` executable.

The ``graphviz`` Python package only writes DOT text; turning it into SVG or PNG
needs a ``dot`` program. chaingrad looks for one in this order:

1. the environment variable ``CHAINGRAD_DOT`` (a path or a command name);
2. ``dot`` on ``PATH`` (a system Graphviz);
3. ``graphviz-pure`` (a pip-installable port of dot that chaingrad depends on)
   in the scripts directory of the running interpreter, then on ``PATH``.

All of them accept dot's flags (``-Tsvg``, ``-Tpng``) and read DOT on stdin.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from viz.svgfont import with_font_stack

__all__ = ["ENV_VAR", "DotNotFoundError", "DotError", "find_dot", "run_dot", "INSTALL_HELP"]

#: Environment variable that names the dot executable to use, overriding the search.
ENV_VAR = "CHAINGRAD_DOT"

#: Shown whenever no executable is found.
INSTALL_HELP = (
    "install one with `pip install graphviz-pure` (a pip-installable dot), "
    "or install Graphviz (`apt install graphviz`, `brew install graphviz`, "
    "https://graphviz.org/download/), "
    f"or point {ENV_VAR} at a dot executable"
)


class DotNotFoundError(RuntimeError):
    """No Graphviz ``dot`` executable could be found; the message lists what was tried."""


class DotError(RuntimeError):
    """The dot executable ran but failed (its stderr is in the message)."""


def _script_dirs() -> list[Path]:
    """Directories where pip puts console scripts for the running interpreter."""
    dirs = [Path(sys.executable).parent]
    for scheme in (None, f"{os.name}_user"):
        try:
            path = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
        except KeyError:  # no such scheme on this platform
            continue
        if path:
            dirs.append(Path(path))
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def find_dot() -> str:
    """Path of the dot executable to use (see the module docstring for the search order).

    Raises ``DotNotFoundError`` naming every place tried and how to install one.
    An explicit ``CHAINGRAD_DOT`` that does not name an executable is an error
    (rather than silently falling back), so a typo in it is noticed.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        found = shutil.which(override)
        if found:
            return found
        raise DotNotFoundError(
            f"{ENV_VAR}={override!r} does not name an executable file; "
            f"fix or unset {ENV_VAR}, or {INSTALL_HELP}"
        )
    tried = [f"${ENV_VAR} (not set)", "'dot' on PATH"]
    found = shutil.which("dot")
    if found:
        return found
    for directory in _script_dirs():
        tried.append(f"'graphviz-pure' in {directory}")
        found = shutil.which("graphviz-pure", path=str(directory))
        if found:
            return found
    tried.append("'graphviz-pure' on PATH")
    found = shutil.which("graphviz-pure")
    if found:
        return found
    raise DotNotFoundError(
        "no Graphviz dot executable found (tried " + ", ".join(tried) + "); " + INSTALL_HELP
    )


def run_dot(source: str, fmt: str, *, timeout: float | None = 120.0) -> bytes:
    """``source`` (DOT text) laid out and rendered by the found dot as ``fmt`` (``svg``, ``png``...).

    The source goes in on stdin as UTF-8; the rendered bytes come back from stdout.
    """
    exe = find_dot()
    try:
        proc = subprocess.run(
            [exe, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DotError(
            f"{exe} -T{fmt} did not finish within {timeout:g} s; draw a smaller graph"
        ) from None
    except OSError as err:
        raise DotError(f"could not run {exe}: {err}") from None
    if proc.returncode != 0 or not proc.stdout:
        message = proc.stderr.decode("utf-8", "replace").strip() or "no output"
        raise DotError(f"{exe} -T{fmt} failed (exit {proc.returncode}): {message}")
    # SVG text in faces with Helvetica's widths wherever the picture is shown (viz.svgfont).
    return with_font_stack(proc.stdout) if fmt == "svg" else proc.stdout

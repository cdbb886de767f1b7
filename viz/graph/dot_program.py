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

import functools
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from viz.graph.page import bounding_box, pad_for, page_aspect, with_pad
from viz.graph.svg_font import with_font_stack

__all__ = ["ENV_VAR", "TIMEOUT_VAR", "DEFAULT_TIMEOUT", "NOTICE_AFTER", "DotNotFoundError", "DotError", "find_dot",
           "dot_timeout", "run_dot", "dot_writes", "INSTALL_HELP"]

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


#: Environment variable: seconds a dot run may take before it is stopped (default ``DEFAULT_TIMEOUT``).
TIMEOUT_VAR = "CHAINGRAD_DOT_TIMEOUT"

#: Seconds a dot run may take by default. Every drawing the default limits admit takes
#: a few seconds; a dot that takes longer is stuck or the limits were raised.
DEFAULT_TIMEOUT = 30.0

#: After this many seconds a render says on stderr (a terminal) that it is waiting for dot.
NOTICE_AFTER = 2.0


def dot_timeout() -> float:
    """The seconds a dot run may take: ``$CHAINGRAD_DOT_TIMEOUT`` if set, else ``DEFAULT_TIMEOUT``."""
    text = os.environ.get(TIMEOUT_VAR)
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise DotError(f"{TIMEOUT_VAR}={text!r} is not a positive number of seconds; fix or unset it")
    return value


def _nodes(source: str) -> int:
    """How many nodes the DOT text declares (its lines ``n3 [...]``, ``op3 [...]``)."""
    return len(re.findall(r"^\s*(?:n|op)\d+ \[", source, re.M))


def run_dot(source: str, fmt: str, *, timeout: float | None = None, dpi: int | None = None) -> bytes:
    """``source`` (DOT text) laid out and rendered by the found dot as ``fmt`` (``svg``, ``png``...).

    The source goes in on stdin as UTF-8; the rendered bytes come back from stdout.
    ``timeout``: seconds before dot is stopped and ``DotError`` raised (default
    ``dot_timeout()``: ``$CHAINGRAD_DOT_TIMEOUT`` or 30). After ``NOTICE_AFTER``
    seconds, when stderr is a terminal, a line says that Graphviz is still working.
    ``dpi``: pixels per inch of a PNG (dot's own default is 96). A source that starts with
    ``// chaingrad page 16:9`` (a slide) is laid out once more first, for the margins that
    make its page that shape (``viz.graph.page``).
    """
    exe = find_dot()
    budget = dot_timeout() if timeout is None else timeout
    aspect = page_aspect(source)
    if aspect is not None:
        start = time.monotonic()
        width, height = bounding_box(_run(exe, source, "plain", budget).decode("utf-8", "replace"))
        source = with_pad(source, *pad_for(width, height, aspect))
        budget = max(budget - (time.monotonic() - start), 0.001)
    out = _run(exe, source, fmt, budget, [f"-Gdpi={dpi}"] if dpi is not None else [])
    # SVG text in faces with Helvetica's widths wherever the picture is shown (viz.graph.svg_font).
    return with_font_stack(out) if fmt == "svg" else out


@functools.cache
def _writes(exe: str, fmt: str) -> bool:
    """Whether the dot ``exe`` writes ``fmt`` (tried once on an empty graph; graphviz-pure has no PDF)."""
    try:
        done = subprocess.run([exe, "-Kdot", f"-T{fmt}"], input=b"digraph {}", capture_output=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and bool(done.stdout)


def dot_writes(fmt: str) -> bool:
    """Whether the dot that ``find_dot`` finds writes ``fmt`` (``pdf``: a Graphviz dot does, graphviz-pure not)."""
    return _writes(find_dot(), fmt)


def _run(exe: str, source: str, fmt: str, budget: float, flags: list[str] | None = None) -> bytes:
    """One run of ``exe -Kdot -T<fmt>`` on ``source``: its stdout, or ``DotError``."""
    # -Kdot: the layout engine by name, as Graphviz otherwise picks it from the
    # program's own name (a dot installed as dot-2.43 or dot-debian would fail).
    command = [exe, "-Kdot", f"-T{fmt}", *(flags or [])]
    try:
        # Its own process group: a dot that is a wrapper script is stopped with all it started.
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=hasattr(os, "killpg"))
    except OSError as err:
        raise DotError(f"could not run {exe}: {err}") from None
    data = source.encode("utf-8")
    start = time.monotonic()
    try:
        try:
            out, errors = proc.communicate(data, timeout=min(NOTICE_AFTER, budget))
        except subprocess.TimeoutExpired:
            if _isatty(sys.stderr):
                print(f"chaingrad: Graphviz is laying out {_nodes(source)} nodes "
                      f"(waiting up to {budget:g} s; {TIMEOUT_VAR} to change)...", file=sys.stderr, flush=True)
            out, errors = proc.communicate(timeout=max(budget - (time.monotonic() - start), 0.0))
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise DotError(
            f"{exe} -T{fmt} did not finish within {budget:g} s; draw a smaller graph "
            f"(compact=True, or a part of it), or allow more time with {TIMEOUT_VAR}=SECONDS"
        ) from None
    except BaseException:  # Ctrl-C while waiting: leave no dot running
        _stop(proc)
        raise
    if proc.returncode != 0 or not out:
        message = errors.decode("utf-8", "replace").strip() or "no output"
        raise DotError(f"{exe} -T{fmt} failed (exit {proc.returncode}): {message}")
    return out


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End a dot run and whatever it started (its process group, where the platform has them)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover  # Windows
            proc.kill()
    except ProcessLookupError:
        pass
    proc.communicate()


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed stream
        return False

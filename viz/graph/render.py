"""Rendering: DOT text -> SVG, PNG or a file, through the dot executable ``viz.find_dot`` finds.

``render(root, "graph.svg")`` draws and writes in one call; ``to_svg`` and
``to_png`` turn a drawing (or DOT text) into an image, through the same dot as
``ChainGraph`` (``viz.graph.chaingraph``), so ``pip install chaingrad`` alone is
enough (``graphviz-pure`` is a dependency).
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

import graphviz

from engine import Value
from engine.checks import check_str, did_you_mean
from viz.checks import check_root
from viz.graph.chaingraph import write_file
from viz.graph.dot_program import DotNotFoundError, run_dot
from viz.graph.draw import draw

__all__ = ["FORMATS", "render", "to_svg", "to_png"]

#: File types ``render`` writes, by suffix.
FORMATS = ("svg", "png", "dot")


def to_svg(digraph: graphviz.Digraph | graphviz.Source | str) -> str:
    """SVG text of a drawing (or of DOT source text), rendered by the found dot executable."""
    return run_dot(_source(digraph, "to_svg"), "svg").decode("utf-8")


def to_png(digraph: graphviz.Digraph | graphviz.Source | str) -> bytes:
    """PNG bytes of a drawing (or of DOT source text), rendered by the found dot executable."""
    return run_dot(_source(digraph, "to_png"), "png")


def _source(digraph: object, where: str) -> str:
    if isinstance(digraph, str):
        if digraph.lstrip().startswith("<"):
            # SVG (or other XML) is already a rendered picture: dot would report a syntax error.
            kind = "SVG" if "<svg" in digraph[:2000] else "XML/HTML"
            raise ValueError(
                f"{where}: got {kind} text; it takes DOT source (digraph {{ ... }}) or the "
                "graphviz.Digraph that viz.draw returns (to_svg(draw(root)), to_png(draw(root)))"
            )
        return digraph
    source = getattr(digraph, "source", None)
    if not isinstance(source, str):
        raise TypeError(
            f"{where}: expected a graphviz.Digraph (from viz.draw) or DOT text, got {type(digraph).__name__}"
        )
    return source


def render(
    root: Value | graphviz.Digraph,
    path: str | Path,
    *,
    format: str | None = None,
    **draw_options: Any,
) -> Path:
    """Draw ``root`` (or take an already drawn ``Digraph``) and write it to ``path``.

    The file type comes from the suffix (``.svg``, ``.png`` or ``.dot``) unless
    ``format`` names one. SVG and PNG go through the found dot executable; if
    none is found, the DOT source is written beside ``path`` (suffix ``.dot``)
    and ``DotNotFoundError`` says where and how to install dot.
    Returns the path written.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"render: path must be a file name (str or Path), got {type(path).__name__} {path!r}")
    if format is not None:
        check_str(format, "render", "format", empty=False)
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"render: cannot write {str(path)!r}: it is a directory; give a file name")
    fmt_name = (format or path.suffix.lstrip(".")).lower()
    if fmt_name not in FORMATS:
        what = f"format {format!r}" if format else (
            f"suffix {path.suffix!r}" if path.suffix else "no suffix"
        )
        raise ValueError(
            f"render: cannot tell what to write for {str(path)!r} ({what}); "
            "use a .svg, .png or .dot file name, or pass format='svg' / 'png' / 'dot'"
        )
    if isinstance(root, (graphviz.Digraph, graphviz.Source)):
        if draw_options:
            raise TypeError("render: drawing options apply to a Value, not to an already drawn graph")
        source = root.source
    else:
        check_root(root, "render")
        known = [p for p in inspect.signature(draw).parameters if p != "root"]
        for option in draw_options:
            if option not in known:
                raise TypeError(f"render: unknown drawing option {option!r}; "
                                f"{did_you_mean(option, known)}draw() takes {', '.join(known)}")

        source = draw(root, **draw_options).source
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"render: cannot write {str(path)!r}: the directory {str(path.parent)!r} does not exist"
        )
    if fmt_name == "dot":
        write_file(path, source.encode("utf-8"))
        return path
    try:
        data = run_dot(source, fmt_name)
    except DotNotFoundError as err:
        dot_path = path.with_suffix(".dot")
        write_file(dot_path, source.encode("utf-8"))
        raise DotNotFoundError(
            f"{err}. The DOT source was written to {str(dot_path)!r}; "
            f"once dot is installed: dot -T{fmt_name} {dot_path} -o {path}"
        ) from None
    write_file(path, data)
    return path

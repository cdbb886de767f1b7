"""Rendering: DOT text -> SVG, PNG or a file, through the dot executable ``viz.find_dot`` finds.

``render(root, "graph.svg")`` draws and writes in one call; ``to_svg`` and
``to_png`` turn a drawing (or DOT text) into an image, through the same dot as
``ChainGraph`` (``viz.graph.chaingraph``), so ``pip install chaingrad`` alone is
enough (``graphviz-pure`` is a dependency).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphviz

from engine import Value
from engine.checks import check_str
from engine.files import write_bytes
from viz.checks import check_dot_source, check_file_path, check_root
from viz.graph.dot_program import DotNotFoundError, run_dot
from viz.graph.dot_source import to_dot
from viz.graph.options import DrawOptions
from viz.graph.resolve import resolve
from viz.keywords import read_options

__all__ = ["FORMATS", "render", "to_svg", "to_png"]

#: File types ``render`` writes, by suffix.
FORMATS = ("svg", "png", "dot")


def to_svg(digraph: graphviz.Digraph | graphviz.Source | str) -> str:
    """SVG text of a drawing (or of DOT source text), rendered by the found dot executable."""
    return run_dot(check_dot_source(digraph, "to_svg"), "svg").decode("utf-8")


def to_png(digraph: graphviz.Digraph | graphviz.Source | str) -> bytes:
    """PNG bytes of a drawing (or of DOT source text), rendered by the found dot executable."""
    return run_dot(check_dot_source(digraph, "to_png"), "png")


def render(root: Value | graphviz.Digraph, path: str | Path, *, format: str | None = None,
           **draw_options: Any) -> Path:
    """Draw ``root`` (or take an already drawn ``Digraph``) and write it to ``path``.

    The file type comes from the suffix (``.svg``, ``.png`` or ``.dot``) unless
    ``format`` names one. SVG and PNG go through the found dot executable; if
    none is found, the DOT source is written beside ``path`` (suffix ``.dot``)
    and ``DotNotFoundError`` says where and how to install dot. The drawing
    options are ``viz.draw``'s. Returns the path written.
    """
    # The directory is checked before dot runs: a wrong folder is not found after the work.
    out = check_file_path(path, "render", "a file name (str or Path)")
    if format is not None:
        check_str(format, "render", "format", empty=False)
    fmt_name = _format_of(out, format)
    if isinstance(root, (graphviz.Digraph, graphviz.Source)):
        if draw_options:
            raise TypeError("render: drawing options apply to a Value, not to an already drawn graph")
        source = root.source
    else:
        check_root(root, "render")
        source = to_dot(resolve(root, read_options(DrawOptions, draw_options, "render"))).source
    if fmt_name == "dot":
        write_bytes(out, source.encode("utf-8"), "render")
        return out
    try:
        data = run_dot(source, fmt_name)
    except DotNotFoundError as err:
        dot_path = out.with_suffix(".dot")
        write_bytes(dot_path, source.encode("utf-8"), "render")
        raise DotNotFoundError(
            f"{err}. The DOT source was written to {str(dot_path)!r}; "
            f"once dot is installed: dot -T{fmt_name} {dot_path} -o {out}"
        ) from None
    write_bytes(out, data, "render")
    return out


def _format_of(path: Path, format: str | None) -> str:
    """What to write: ``format``, else the suffix of ``path``; one of ``FORMATS``."""
    fmt_name = (format or path.suffix.lstrip(".")).lower()
    if fmt_name not in FORMATS:
        what = f"format {format!r}" if format else (
            f"suffix {path.suffix!r}" if path.suffix else "no suffix"
        )
        raise ValueError(
            f"render: cannot tell what to write for {str(path)!r} ({what}); "
            "use a .svg, .png or .dot file name, or pass format='svg' / 'png' / 'dot'"
        )
    return fmt_name

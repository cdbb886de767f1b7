"""Rendering: DOT text -> SVG, PNG or a file, through the dot executable ``viz.find_dot`` finds.

``render(root, "graph.svg")`` draws and writes in one call; ``to_svg`` and
``to_png`` turn a drawing (or DOT text) into an image; ``ChainGraph``, the
``graphviz.Digraph`` that ``draw`` returns, renders through the same dot, so
``pip install chaingrad`` alone is enough (``graphviz-pure`` is a dependency).
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
from viz.graph.dot_program import DotNotFoundError, run_dot

__all__ = ["ChainGraph", "FORMATS", "render", "to_svg", "to_png"]

#: File types ``render`` writes, by suffix.
FORMATS = ("svg", "png", "dot")


class ChainGraph(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no types
    """A ``graphviz.Digraph`` that renders through the dot executable chaingrad finds.

    Jupyter displays it inline (``_repr_mimebundle_`` calls ``pipe``), and
    ``pipe(format="svg")`` works even when no ``dot`` is on ``PATH`` but
    ``graphviz-pure`` is installed.
    """

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The drawing rendered as ``format`` (default: this graph's format) by the found dot."""
        if renderer or formatter or neato_no_op or (engine not in (None, "dot")):
            raise ValueError("ChainGraph.pipe: only format= and encoding= are supported")
        out = run_dot(self.source, format or self.format)
        return out.decode(encoding) if encoding else out

    def render(
        self,
        filename: str | Path | None = None,
        directory: str | Path | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *,
        outfile: str | Path | None = None,
        **unsupported: Any,
    ) -> str:
        """graphviz's ``render``, through the found dot: saves the DOT source, writes the image.

        ``g.render("graph", format="png")`` writes ``graph`` (DOT) and ``graph.png``;
        ``g.render(outfile="graph.svg")`` writes ``graph.gv`` and ``graph.svg``.
        Returns the image's path. (``viz.render(root, path)`` writes just the image.)
        """
        if view or unsupported:
            extra = ", ".join(sorted(unsupported)) or "view"
            raise ValueError(f"ChainGraph.render: {extra} is not supported; use viz.render(root, path)")
        if outfile is not None:
            out = Path(outfile)
            fmt_name = format or out.suffix.lstrip(".")
            source_path = Path(filename) if filename is not None else out.with_suffix(".gv")
        else:
            source_path = Path(filename if filename is not None else self.filename)
            fmt_name = format or self.format
            out = source_path.with_name(f"{source_path.name}.{fmt_name}")
        if directory is not None:
            source_path, out = Path(directory) / source_path, Path(directory) / out
        _write(source_path, self.source.encode("utf-8"))
        _write(out, run_dot(self.source, fmt_name))
        if cleanup:
            source_path.unlink()
        return str(out)


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
        # Imported here: viz.draw builds the ChainGraph defined above, so it imports this module.
        from viz.graph.draw import draw

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
        _write(path, source.encode("utf-8"))
        return path
    try:
        data = run_dot(source, fmt_name)
    except DotNotFoundError as err:
        dot_path = path.with_suffix(".dot")
        _write(dot_path, source.encode("utf-8"))
        raise DotNotFoundError(
            f"{err}. The DOT source was written to {str(dot_path)!r}; "
            f"once dot is installed: dot -T{fmt_name} {dot_path} -o {path}"
        ) from None
    _write(path, data)
    return path


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as err:
        raise type(err)(f"render: cannot write {str(path)!r}: {err.strerror or err}") from None

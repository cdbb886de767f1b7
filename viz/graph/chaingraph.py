"""``ChainGraph``: the ``graphviz.Digraph`` that ``draw`` returns, rendering through chaingrad's dot.

Jupyter displays it inline (``_repr_mimebundle_`` calls ``pipe``), and ``pipe``
and ``render`` run the dot executable ``viz.find_dot`` finds, so a drawing
renders even when no ``dot`` is on ``PATH`` but ``graphviz-pure`` is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphviz

from engine.files import write_bytes
from viz.graph.dot_program import run_dot

__all__ = ["ChainGraph"]


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
        write_bytes(source_path, self.source.encode("utf-8"), "ChainGraph.render")
        write_bytes(out, run_dot(self.source, fmt_name), "ChainGraph.render")
        if cleanup:
            source_path.unlink()
        return str(out)

"""``animate(root, "backward.gif")``: the backward pass as one animated file, one frame per ``+=``.

The frames are the replay's (``viz.replay.frames.replay_frames``): the start, then one
drawing per step of ``engine.backward_steps``, each titled with the step's chain-rule
equation (``dSSR/dw3 += dSSR/dpredicted × dpredicted/dw3 :  0 + (-4.56) × 1.03 = -4.7``),
the consumer and the edge whose local derivative it multiplies marked, the box whose grad
changes outlined. Each is rendered to PNG by dot (``dpi=``), and ``viz.replay.media`` puts
them together: a GIF or an APNG with Pillow (the ``animate`` extra), an MP4 with ffmpeg where
it is on PATH. Every frame has the same size, with the graph in the same place.

    >>> from viz import animate
    >>> animate(ssr, "backward.gif", leaf=b3, slide=True)     # doctest: +SKIP
    PosixPath('backward.gif')
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from engine import Value
from engine.checks import check_real
from engine.graph import find_node
from viz.chainrule.names import node_names
from viz.checks import check_file_path, check_option, check_root
from viz.graph.options import DrawOptions
from viz.graph.render import to_png
from viz.keywords import keyword_options
from viz.replay.frames import FRAME_SET, MAX_FRAMES, frames_of
from viz.replay.media import assemble, find_ffmpeg, kind_of, load_pillow

__all__ = ["animate", "DEFAULT_DELAY", "MIN_DELAY", "MAX_DELAY"]

#: Seconds each frame is shown by default: time to read a step's equation.
DEFAULT_DELAY = 1.5
#: How many frames are drawn at once: dot runs of their own, one a core (two at most: a drawing
#: is quick, and the machine may have other work).
WORKERS = max(1, min(2, os.cpu_count() or 1))
#: The shortest and longest delay, in seconds: browsers show GIF frames of under 0.02 s for 0.1 s.
MIN_DELAY, MAX_DELAY = 0.02, 60.0


def _check_delay(delay: object) -> float:
    value = check_real(delay, "animate", "delay", "a number of seconds")
    if not (math.isfinite(value) and MIN_DELAY <= value <= MAX_DELAY):
        raise ValueError(f"animate: delay must be a number of seconds from {MIN_DELAY:g} to {MAX_DELAY:g},"
                         f" got {delay!r}")
    return value


@keyword_options(DrawOptions, exclude=FRAME_SET)
def animate(
    root: Value,
    path: str | Path,
    *,
    leaf: Value | str | None = None,
    params: Collection[Value] | None = None,
    delay: float = DEFAULT_DELAY,
    format: str | None = None,
    dpi: int | None = None,
    max_frames: int = MAX_FRAMES,
    precision: int = 3,
    compact: bool = True,
    **draw_options: Any,
) -> Path:
    """Write ``root``'s backward pass to ``path`` as an animation, one frame per ``+=``; returns the path.

    The kind comes from the suffix unless ``format`` names it: ``.gif`` (``"gif"``), ``.png`` or
    ``.apng`` (``"apng"``, an animated PNG), ``.mp4`` (``"mp4"``, needs ffmpeg on PATH). The start
    and one frame per step (``len(backward_steps(root, leaf=leaf)) + 1`` frames), each titled with
    its step's equation; the file's comment lists every frame's caption, one per line. ``delay``:
    seconds per frame (the last stays three times as long). ``leaf`` (a node or its name): only the
    steps on the paths from that node, drawn in red. ``dpi``: the frames' pixels per inch (dot's default 96).
    ``compact=False`` draws op ovals; the other keywords are ``viz.draw``'s (``slide=True``: 16:9
    frames with 14-point text). More than ``max_frames`` frames raise ``TooManyFramesError``.
    """
    out = check_file_path(path, "animate", "a file name (str or Path)")  # before the work, not after
    check_root(root, "animate")
    kind = kind_of(out, format, "animate")
    seconds = _check_delay(delay)
    if dpi is not None:
        check_option("dpi", dpi, "animate")
    if leaf is not None:  # a node, or its name as the replay names it (x1[2])
        leaf = find_node(root, leaf, "animate", "leaf", names=node_names(root))
    load_pillow("animate")  # each missing piece said before any frame is drawn
    if kind == "mp4":
        find_ffmpeg("animate")
    frames = frames_of(root, "animate", leaf, dict(draw_options, params=params, max_frames=max_frames,
                                                   precision=precision, compact=compact))
    # Each frame is one dot run: two at a time (dot is a process of its own), in order.
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(frames))) as pool:
        pngs = list(pool.map(lambda frame: to_png(frame.digraph, dpi=dpi), frames))
    return assemble(pngs, [frame.caption for frame in frames], seconds, out, kind)

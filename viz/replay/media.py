"""Pictures put together as one animated file: GIF and APNG with Pillow, MP4 with ffmpeg.

``viz.replay.animate`` draws the frames (PNG bytes, one per step of backward); this module
assembles them. Pillow (the ``animate`` extra; matplotlib brings it too) is imported when an
animation is written, never on ``import viz``; ffmpeg is looked for on ``PATH`` for an MP4
only. Every frame is shown for ``delay`` seconds, the last three times as long (a pause before
the loop starts again), and the file's comment lists each frame's caption, one per line, so
that a script (or a screen reader's user) can read what each frame says.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.files import write_bytes

__all__ = ["KINDS", "EXTRA_HINT", "ToolNotFoundError", "kind_of", "assemble", "load_pillow"]

#: What an animation can be, by suffix: ``.gif``, ``.png`` or ``.apng`` (animated PNG), ``.mp4``.
KINDS = {".gif": "gif", ".png": "apng", ".apng": "apng", ".mp4": "mp4"}
#: How to get Pillow, as every "not installed" message says it.
EXTRA_HINT = "pip install \"chaingrad[animate]\" (in a checkout: pip install -e \".[animate]\")"
#: The last frame stays this many times as long as the others.
LAST_HOLD = 3


class ToolNotFoundError(RuntimeError):
    """A program or package an animation needs (ffmpeg for MP4, Pillow) is missing; the message says how to get it."""


def kind_of(path: Path, format: str | None, func: str, *,
            hint: str = ", or pass format='gif' / 'apng' / 'mp4'") -> str:
    """``gif``, ``apng`` or ``mp4``: ``format``, else what the suffix of ``path`` says; ``ValueError`` otherwise
    (ending with ``hint``: the command line has no format option)."""
    if format is not None:
        if format not in KINDS.values():
            raise ValueError(f"{func}: format must be 'gif', 'apng' or 'mp4', got {format!r}")
        return format
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        what = f"suffix {path.suffix!r}" if path.suffix else "no suffix"
        raise ValueError(f"{func}: cannot tell what to write for {str(path)!r} ({what}); "
                         f"use a .gif, .png (APNG) or .mp4 file name{hint}")
    return kind


def load_pillow(func: str) -> Any:
    """Pillow's ``Image`` module, or ``ToolNotFoundError`` naming the extra."""
    try:
        from PIL import Image
    except ImportError:
        raise ToolNotFoundError(f"{func}: Pillow is not installed; {EXTRA_HINT}") from None
    return Image


def find_ffmpeg(func: str) -> str:
    """The ``ffmpeg`` on PATH, or ``ToolNotFoundError`` saying how to get one and what works without it."""
    found = shutil.which("ffmpeg")
    if found is None:
        raise ToolNotFoundError(
            f"{func}: an MP4 needs ffmpeg, and there is none on PATH; install it (apt install ffmpeg, "
            "brew install ffmpeg, https://ffmpeg.org/download.html), or write a GIF (.gif) or an APNG (.png), "
            "which need only Pillow")
    return found


def assemble(pngs: Sequence[bytes], captions: Sequence[str], delay: float, out: Path, kind: str) -> Path:
    """Write the frames ``pngs`` (one size) to ``out`` as ``kind``, ``delay`` seconds each; returns ``out``."""
    image = load_pillow("animate")
    frames = _one_size(image, [image.open(io.BytesIO(png)).convert("RGB") for png in pngs])
    comment = "\n".join(f"frame {k}: {caption}" for k, caption in enumerate(captions))
    durations = [round(delay * 1000)] * len(frames)
    durations[-1] *= LAST_HOLD
    if kind == "mp4":
        return _mp4(pngs, comment, delay, out)
    buffer = io.BytesIO()
    if kind == "gif":
        palette = _palette(image, [frames[0], frames[len(frames) // 2], frames[-1]])
        paletted = [f.quantize(palette=palette, dither=image.Dither.NONE) for f in frames]
        paletted = _unchanged_transparent(image, paletted)
        paletted[0].save(buffer, format="GIF", save_all=True, append_images=paletted[1:], duration=durations,
                         loop=0, disposal=1, optimize=False, transparency=TRANSPARENT,
                         comment=comment.encode("utf-8"))
    else:
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_itxt("Comment", comment)
        frames[0].save(buffer, format="PNG", save_all=True, append_images=frames[1:], duration=durations,
                       loop=0, disposal=0, blend=0, pnginfo=info)
    return write_bytes(out, buffer.getvalue(), "animate")


#: The palette index left free for "as in the frame before" (a GIF frame drawn over the last one).
TRANSPARENT = 255


#: How many of a palette's colours are the drawings' own, exactly (white, the fills, the text colours).
EXACT = 64


def _palette(image: Any, chosen: list[Any]) -> Any:
    """One palette for every frame (the drawings share their colours), so that none flickers: the ``EXACT``
    commonest colours of the first, a middle and the last frame exactly (white stays white), then those
    median cut finds for the antialiased edges, ``TRANSPARENT`` colours in all."""
    strip = image.new("RGB", (sum(f.width for f in chosen), max(f.height for f in chosen)), "white")
    for k, f in enumerate(chosen):
        strip.paste(f, (sum(c.width for c in chosen[:k]), 0))
    counts = strip.getcolors(maxcolors=strip.width * strip.height)
    exact: list[Any] = []
    for _, colour in sorted(counts, key=lambda c: (-c[0], c[1])):  # the commonest of each cell (see below)
        if len(exact) == EXACT:
            break
        if all(_cell(colour) != _cell(e) for e in exact):
            exact.append(colour)
    rest = strip.quantize(colors=TRANSPARENT - len(exact), method=image.Quantize.MEDIANCUT).getpalette() or []
    # Pillow matches a colour to a palette through a cube of 32 levels a channel: another colour in the
    # cell of an exact one (252 grey beside white) would take its pixels. Each cell keeps one colour.
    cells = {_cell(colour) for colour in exact}
    others = [tuple(rest[i:i + 3]) for i in range(0, len(rest) - 2, 3)]
    chosen_rest = [c for c in others if _cell(c) not in cells][: TRANSPARENT - len(exact)]
    flat = [v for colour in exact + chosen_rest for v in colour]
    palette = image.new("P", (1, 1))
    palette.putpalette(flat + [255, 255, 255] * (256 - len(flat) // 3))
    return palette


def _cell(colour: Any) -> tuple[int, ...]:
    return tuple(v >> 3 for v in colour[:3])


def _unchanged_transparent(image: Any, frames: list[Any]) -> list[Any]:
    """Each frame after the first with the pixels that equal the frame before made transparent.

    Drawn over the frame before (GIF disposal 1), each frame looks the same, and the long runs of
    one index compress to a fraction: a step changes a few boxes, an edge and the title.
    """
    from PIL import ImageChops

    out = [frames[0]]
    for before, now in zip(frames, frames[1:]):
        # The palette indices compared as numbers (one palette for all frames: equal index, equal colour).
        a, b = (image.frombytes("L", f.size, f.tobytes()) for f in (before, now))
        same = ImageChops.difference(a, b).point(lambda v: 255 if v == 0 else 0).convert("1")
        frame = now.copy()
        frame.paste(TRANSPARENT, mask=same)
        out.append(frame)
    return out


def _one_size(image: Any, frames: list[Any]) -> list[Any]:
    """The frames on one canvas size, each centred on white (they are of one size already, by construction
    of the replay's frames: this keeps a pixel of rounding in some dot from making a broken file)."""
    width, height = max(f.width for f in frames), max(f.height for f in frames)
    if all(f.size == (width, height) for f in frames):
        return frames
    out = []
    for f in frames:
        canvas = image.new("RGB", (width, height), "white")
        canvas.paste(f, ((width - f.width) // 2, (height - f.height) // 2))
        out.append(canvas)
    return out


def _mp4(pngs: Sequence[bytes], comment: str, delay: float, out: Path) -> Path:
    """The frames as an H.264 video through ffmpeg, the last frame held ``LAST_HOLD`` times as long."""
    ffmpeg = find_ffmpeg("animate")
    with tempfile.TemporaryDirectory(prefix="chaingrad-frames-") as tmp:
        folder = Path(tmp)
        for k, png in enumerate(pngs):
            (folder / f"frame_{k:05d}.png").write_bytes(png)
        video = folder / "animation.mp4"
        command = [
            ffmpeg, "-y", "-loglevel", "error", "-framerate", f"1/{delay:g}", "-i", str(folder / "frame_%05d.png"),
            # H.264 wants even sides and 4:2:0 colour; the last frame held; 25 frames a second out.
            "-vf", f"tpad=stop_mode=clone:stop_duration={(LAST_HOLD - 1) * delay:g},"
                   "pad=ceil(iw/2)*2:ceil(ih/2)*2:color=white,format=yuv420p",
            "-r", "25", "-c:v", "libx264", "-movflags", "+faststart", "-metadata", f"comment={comment}", str(video),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise OSError(f"animate: ffmpeg ({ffmpeg}) did not run: {err}") from None
        if done.returncode != 0 or not video.exists():
            message = " ".join(done.stderr.decode("utf-8", "replace").split()) or "no output"
            raise OSError(f"animate: ffmpeg failed (exit {done.returncode}): {message:.300}")
        return write_bytes(out, video.read_bytes(), "animate")

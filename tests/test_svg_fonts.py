"""The README's SVG pictures render alike in a browser and in librsvg (rsvg-convert).

- every text names viz.graph.svg_font.FONT_STACK, whose faces have Helvetica's widths
  (the widths dot laid the text out with), and fontconfig resolves it to one;
- in Chromium, no piece of text runs into the next one on its line
  (getComputedTextLength against the x where the next piece starts);
- rsvg-convert renders each picture at its size, and the result matches
  Chromium's rendering of the same file pixel for pixel but for anti-aliasing.

Each check skips, with the reason, where its tool (fc-match, chromium,
rsvg-convert) is missing.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from viz.graph.svg_font import FONT_STACK, with_font_stack

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
PICTURES = sorted({REPO / m for m in re.findall(r"\]\((docs/[^)]+\.svg)\)", README)})
DOCS_SVGS = sorted((REPO / "docs").glob("*.svg"))
# Faces with Helvetica's widths (metric-compatible): what the stack is meant to resolve to.
HELVETICA_METRICS = {"Helvetica", "Arial", "Liberation Sans", "Nimbus Sans", "Nimbus Sans L", "Arimo",
                     "TeX Gyre Heros"}


def test_readme_shows_svg_pictures():
    assert PICTURES, "README.md shows no docs/*.svg picture"
    assert all(p.exists() for p in PICTURES)


@pytest.mark.parametrize("svg", DOCS_SVGS, ids=lambda p: p.name)
def test_every_text_names_the_font_stack(svg):
    families = set(re.findall(r'font-family="([^"]*)"', svg.read_text(encoding="utf-8")))
    assert families == {FONT_STACK}


def test_with_font_stack_replaces_dots_family_only():
    svg = b'<text font-family="Helvetica,sans-Serif">a</text><text font-family="Courier">b</text>'
    assert with_font_stack(svg) == (f'<text font-family="{FONT_STACK}">a</text>'
                                    '<text font-family="Courier">b</text>').encode()


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fc-match (fontconfig) is not installed")
def test_fontconfig_resolves_the_stack_to_helvetica_widths():
    family = subprocess.run(["fc-match", "-f", "%{family[0]}", FONT_STACK], capture_output=True, text=True,
                            check=True).stdout
    assert family in HELVETICA_METRICS, f"{FONT_STACK!r} resolves to {family!r} here"


# The pieces of text of each line: (x, y, anchor, text) of every <text>, in document order.
TEXTS_JS = """() => Array.from(document.querySelectorAll('text')).map(t => ({
    x: t.x.baseVal[0].value, y: t.y.baseVal[0].value,
    anchor: t.getAttribute('text-anchor'), text: t.textContent, width: t.getComputedTextLength()}))"""


def overlaps(texts):
    """Pieces that run past the start of the next piece on their line (same y, set left to right)."""
    out = []
    for a, b in zip(texts, texts[1:]):
        if a["anchor"] == b["anchor"] == "start" and abs(a["y"] - b["y"]) < 0.01 and b["x"] > a["x"]:
            end = a["x"] + a["width"]
            if end > b["x"] + 0.5:
                out.append(f"{a['text']!r} ends at {end:.1f}, {b['text']!r} starts at {b['x']:.1f}")
    return out


@pytest.mark.parametrize("svg", PICTURES, ids=lambda p: p.name)
def test_no_text_runs_into_the_next_in_chromium(chromium_browser, svg):
    page = chromium_browser.new_page()
    try:
        page.goto(svg.as_uri())
        texts = page.evaluate(TEXTS_JS)
    finally:
        page.close()
    assert len(texts) > 20
    pairs = sum(1 for a, b in zip(texts, texts[1:]) if a["anchor"] == b["anchor"] == "start"
                and abs(a["y"] - b["y"]) < 0.01)
    assert pairs > 0  # the check has lines of several pieces to look at (the edge labels' "= 0.5")
    assert overlaps(texts) == []


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# Rendered alike: after averaging 6 x 6 pixel blocks (anti-aliasing and hinting wash out), no
# more than this fraction of blocks differ by over a fifth of the grey range. The same picture
# with a wider face (DejaVu Sans) differs in about 1.5% of the blocks.
ALIKE = 0.002


def rsvg_png(svg: Path, env: dict[str, str] | None = None) -> bytes:
    return subprocess.run(["rsvg-convert", "-f", "png", "-b", "white", str(svg)], capture_output=True,
                          check=True, timeout=120, env=env).stdout


def chromium_png(browser, svg: Path, width: int, height: int) -> bytes:
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
    try:
        page.set_content(
            '<html><body style="margin:0;background:white">'
            f'<img id="i" width="{width}" height="{height}" style="display:block"></body></html>')
        page.evaluate("(src) => new Promise(r => { const i = document.getElementById('i');"
                      " i.onload = r; i.src = src; })",
                      "data:image/svg+xml;base64," + base64.b64encode(svg.read_bytes()).decode("ascii"))
        return page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": height})
    finally:
        page.close()


def differing_blocks(a: bytes, b: bytes, k: int = 6) -> float:
    """The fraction of k x k blocks whose mean grey levels differ by more than 0.2 (of 1)."""
    np = pytest.importorskip("numpy")
    image = pytest.importorskip("matplotlib.image")

    x, y = (np.asarray(image.imread(io.BytesIO(d), format="png"))[..., :3].mean(axis=2) for d in (a, b))
    assert x.shape == y.shape
    h, w = (x.shape[0] // k) * k, (x.shape[1] // k) * k
    bx, by = (z[:h, :w].reshape(h // k, k, w // k, k).mean(axis=(1, 3)) for z in (x, y))
    return float((abs(bx - by) > 0.2).mean())


needs_rsvg = pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert (librsvg) is not installed")


@needs_rsvg
@pytest.mark.parametrize("svg", PICTURES, ids=lambda p: p.name)
def test_librsvg_renders_like_chromium(chromium_browser, svg, tmp_path):
    width_pt, height_pt = (float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                                                        svg.read_text(encoding="utf-8")).groups())
    rsvg = rsvg_png(svg)
    width, height = png_size(rsvg)
    assert abs(width - width_pt * 4 / 3) <= 1 and abs(height - height_pt * 4 / 3) <= 1  # 96 px per 72 pt
    shot = chromium_png(chromium_browser, svg, width, height)
    (tmp_path / "rsvg.png").write_bytes(rsvg)
    (tmp_path / "chromium.png").write_bytes(shot)
    differ = differing_blocks(rsvg, shot)
    assert differ < ALIKE, f"{differ:.2%} of the blocks differ (see {tmp_path})"


@needs_rsvg
@pytest.mark.skipif(not DEJAVU.is_dir(), reason=f"no {DEJAVU} to make a wider face the only one")
def test_the_comparison_sees_a_wider_face(chromium_browser, tmp_path):
    svg = PICTURES[0]
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp_path}/cache</cachedir>'
                    "</fontconfig>", encoding="utf-8")
    rsvg = rsvg_png(svg, env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    shot = chromium_png(chromium_browser, svg, *png_size(rsvg))
    assert differing_blocks(rsvg, shot) > 5 * ALIKE

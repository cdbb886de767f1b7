"""A self-contained HTML stepper: a sequence of SVG frames with Next/Previous, a slider and arrow keys.

``stepper_html(svgs, captions)`` returns one HTML page that holds every frame
inline, its CSS and its script: no network, no external scripts, fonts or
images, so the file works when opened from disk, offline, or sent by mail.

Controls: Previous/Next buttons, a slider, the left and right arrow keys
(Home/End for the first/last frame; up, down and Page Up/Down scroll the
graph), and a ``#step=N`` fragment in the address (kept in step,
so a link can open a given frame). The caption of the current frame is shown
under the picture; the picture scrolls to keep the frame's focus in view.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["stepper_html", "write_stepper", "inline_svg"]

_XML_DECL = re.compile(r"<\?xml[^>]*\?>\s*")
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_ID = re.compile(r'\bid="([^"]*)"')
_URL_REF = re.compile(r'url\(#([^)]*)\)')
_HREF_REF = re.compile(r'href="#([^"]*)"')
_BETWEEN_TAGS = re.compile(r">\s+<")


def inline_svg(svg: str, prefix: str) -> str:
    """``svg`` (a standalone SVG document) made fit to sit inside an HTML page.

    The XML declaration, DOCTYPE and comments are dropped, whitespace between
    tags is collapsed, and every ``id`` (and each ``#id`` reference) gets
    ``prefix`` so that many frames on one page keep their ids unique.
    """
    if not isinstance(svg, str) or "<svg" not in svg:
        raise ValueError("inline_svg: expected SVG text containing an <svg> element")
    text = _XML_DECL.sub("", svg)
    text = _DOCTYPE.sub("", text)
    text = _COMMENT.sub("", text)
    text = _BETWEEN_TAGS.sub("><", text.strip())
    text = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', text)
    text = _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", text)
    text = _HREF_REF.sub(lambda m: f'href="#{prefix}{m.group(1)}"', text)
    return text


def _json_for_script(data: object) -> str:
    """JSON that cannot close the ``<script>`` element it sits in (``<``, ``>``, ``&`` escaped)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


_CSS = """
  :root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --focus: #5b3cc4; --grad: #b83280; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
         color: var(--ink); background: #f6f8fa; }
  header { padding: 12px 20px 4px; }
  h1 { font-size: 20px; margin: 0; }
  .subtitle { margin: 2px 0 0; color: var(--muted); font-size: 14px; }
  main { padding: 8px 20px 16px; }
  .graph { background: #fff; border: 1px solid var(--line); border-radius: 6px;
           height: 62vh; overflow: auto; }
  .graph:focus { outline: 2px solid var(--focus); outline-offset: 1px; }
  .graph.fit svg { width: 100%; height: 100%; }
  .frame[hidden] { display: none; }
  .equation { font: 17px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
              background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--focus);
              border-radius: 6px; padding: 8px 12px; margin: 10px 0 4px; min-height: 2.6em;
              white-space: pre-wrap; overflow-wrap: anywhere; }
  .detail { color: var(--muted); margin: 0 0 10px; min-height: 1.45em; }
  .controls { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; }
  .controls button { font: inherit; padding: 6px 14px; border: 1px solid var(--line); border-radius: 6px;
                     background: #fff; cursor: pointer; }
  .controls button:hover:not(:disabled) { border-color: var(--focus); }
  .controls button:disabled { color: #aaa; cursor: default; }
  #slider { flex: 1 1 260px; accent-color: var(--focus); }
  #counter { font-variant-numeric: tabular-nums; min-width: 9em; }
  .help { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
"""

# The script keeps one number, the current frame, and shows it everywhere.
_JS = """
(function () {
  "use strict";
  var captions = JSON.parse(document.getElementById("captions").textContent);
  var frames = document.querySelectorAll(".frame");
  var graph = document.getElementById("graph");
  var slider = document.getElementById("slider");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var counter = document.getElementById("counter");
  var equation = document.getElementById("equation");
  var detail = document.getElementById("detail");
  var fit = document.getElementById("fit");
  var last = frames.length - 1;
  var current = -1;

  function fromHash() {
    var m = /^#step=(\\d+)$/.exec(window.location.hash);
    return m ? Math.min(parseInt(m[1], 10), last) : 0;
  }

  // Scroll so that the middle of the focused elements (SVG groups whose <title>
  // is one of the space-separated names in data-focus) is in the middle of the view.
  function scrollToFocus(frame) {
    var names = (frame.getAttribute("data-focus") || "").split(" ").filter(Boolean);
    if (!names.length || graph.classList.contains("fit")) { return; }
    var titles = frame.querySelectorAll("g > title");
    var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    for (var i = 0; i < titles.length; i++) {
      if (names.indexOf(titles[i].textContent) >= 0) {
        var r = titles[i].parentNode.getBoundingClientRect();
        left = Math.min(left, r.left); top = Math.min(top, r.top);
        right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
      }
    }
    if (left === Infinity) { return; }
    var view = graph.getBoundingClientRect();
    graph.scrollLeft += (left + right) / 2 - (view.left + view.width / 2);
    graph.scrollTop += (top + bottom) / 2 - (view.top + view.height / 2);
  }

  function show(k) {
    k = Math.max(0, Math.min(last, k));
    if (k === current) { return; }
    if (current >= 0) { frames[current].hidden = true; }
    frames[k].hidden = false;
    current = k;
    slider.value = String(k);
    prev.disabled = k === 0;
    next.disabled = k === last;
    counter.textContent = (k === 0 ? "start" : "step " + k + " of " + last);
    equation.textContent = captions[k].equation;
    detail.textContent = captions[k].detail || "";
    scrollToFocus(frames[k]);
    if (window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", "#step=" + k); } catch (e) { /* some viewers forbid it */ }
    }
  }

  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  fit.addEventListener("change", function () {
    graph.classList.toggle("fit", fit.checked);
    scrollToFocus(frames[current]);
  });
  window.addEventListener("hashchange", function () { show(fromHash()); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    // The slider handles its own arrow keys; elsewhere left/right step, and up/down and
    // Page Up/Down keep their usual job: scrolling the graph.
    if (target === slider) { return; }
    var moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: last };
    if (Object.prototype.hasOwnProperty.call(moves, event.key)) {
      event.preventDefault();
      show(moves[event.key]);
    }
  });
  show(fromHash());
})();
"""


# The keys, under the controls (one line of the page).
_HELP = (
    '<p class="help">Keys: &#8592; &#8594; previous/next step, Home/End first/last; '
    "&#8593; &#8595; Page Up/Down scroll the graph. The address ends in #step=N: a link to this step.</p>"
)


def stepper_html(
    svgs: Sequence[str],
    captions: Sequence[str],
    *,
    details: Sequence[str] | None = None,
    focus: Sequence[str | None] | None = None,
    title: str = "Backward, one step at a time",
    subtitle: str = "",
) -> str:
    """One self-contained HTML page stepping through ``svgs`` (frame 0 first).

    ``captions[k]`` is the text shown under frame ``k`` (its equation),
    ``details[k]`` an optional second line, ``focus[k]`` the SVG ``<title>``
    of the elements to scroll into view, separated by spaces (Graphviz node
    names such as ``"op12 n7"``). All frames, the style and the script are inline.
    """
    n = len(svgs)
    if n == 0:
        raise ValueError("stepper_html: need at least one frame")
    if len(captions) != n:
        raise ValueError(f"stepper_html: {n} frames but {len(captions)} captions; give one caption per frame")
    details = list(details) if details is not None else [""] * n
    focus = list(focus) if focus is not None else [None] * n
    if len(details) != n or len(focus) != n:
        raise ValueError(f"stepper_html: details and focus need one entry per frame ({n})")
    for what, seq in (("captions", captions), ("details", details)):
        for k, text in enumerate(seq):
            if not isinstance(text, str):
                raise TypeError(f"stepper_html: {what}[{k}] must be a str, got {type(text).__name__}")

    frames = []
    for k, svg in enumerate(svgs):
        where = focus[k]
        attr = f' data-focus="{html.escape(where, quote=True)}"' if where else ""
        frames.append(
            f'<div class="frame" id="frame-{k}"{attr} hidden>{inline_svg(svg, f"f{k}-")}</div>'
        )
    data = _json_for_script([{"equation": c, "detail": d} for c, d in zip(captions, details)])
    first_caption = html.escape(captions[0])
    sub = f'<p class="subtitle">{html.escape(subtitle)}</p>' if subtitle else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" href="data:,">
<style>{_CSS}</style>
</head>
<body>
<header><h1>{html.escape(title)}</h1>{sub}</header>
<main>
<div id="graph" class="graph" tabindex="0" aria-label="computation graph">
{chr(10).join(frames)}
</div>
<p id="equation" class="equation" aria-live="polite">{first_caption}</p>
<p id="detail" class="detail"></p>
<nav class="controls" aria-label="steps">
<button id="prev" type="button" title="previous step (left arrow)">&#9664; Previous</button>
<input id="slider" type="range" min="0" max="{n - 1}" value="0" step="1" aria-label="step">
<button id="next" type="button" title="next step (right arrow)">Next &#9654;</button>
<span id="counter"></span>
<label><input id="fit" type="checkbox"> fit the graph to the window</label>
</nav>
{_HELP}
</main>
<script type="application/json" id="captions">{data}</script>
<script>{_JS}</script>
</body>
</html>
"""


def write_stepper(
    path: str | Path,
    svgs: Sequence[str],
    captions: Sequence[str],
    **options: Any,
) -> Path:
    """Write ``stepper_html(svgs, captions, **options)`` to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    path.write_text(stepper_html(svgs, captions, **options), encoding="utf-8")
    return path

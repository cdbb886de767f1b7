"""Readings shared by several test modules: the grads backward() leaves, the boxes and edges dot draws."""

import html
import re

from engine import Value, topological_order


def backward_grads(root: Value) -> dict:
    """{node: node.grad} after a fresh backward() from root (every grad zeroed first)."""
    root.zero_grad()
    root.backward()
    return {node: node.grad for node in topological_order(root)}


def boxes(svg: str) -> dict:
    """{value node's name (n0, n1 ...): the bounding box (x0, y0, x1, y1) of its drawn shapes}."""
    out = {}
    for title, body in re.findall(r"<title>(n\d+)</title>(.*?)</g>", svg, re.S):
        geometry = " ".join(re.findall(r'(?:d|points)="([^"]*)"', body))
        xy = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", geometry)]
        out[title] = (min(xy[0::2]), min(xy[1::2]), max(xy[0::2]), max(xy[1::2]))
    return out


def _cubic(p0, p1, p2, p3, t):
    s = 1 - t
    return tuple(s**3 * a + 3 * s * s * t * b + 3 * s * t * t * c + t**3 * d for a, b, c, d in zip(p0, p1, p2, p3))


def _text_box(attrs: str, text: str) -> tuple:
    """(x0, y0, x1, y1) of one SVG text: its width in Helvetica from its font size, its height a line above
    the baseline (ascenders to descenders), placed by its anchor."""
    from viz.graph.text_width import SLACK, text_width

    x, y = float(re.search(r' x="([-\d.]+)"', attrs).group(1)), float(re.search(r' y="([-\d.]+)"', attrs).group(1))
    size = float(re.search(r'font-size="([\d.]+)"', attrs).group(1))
    width = text_width(html.unescape(text), size) / SLACK
    anchor = re.search(r'text-anchor="(\w+)"', attrs).group(1)
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return x0, y - 0.72 * size, x0 + width, y + 0.2 * size


def edge_parts(svg: str) -> list:
    """[(title, points along the edge's line and its arrowhead, [boxes of its label's texts])] of each labelled edge.

    The line is dot's cubic Bézier path, sampled 20 times a segment.
    """
    out = []
    for title, body in re.findall(r'<g id="edge\d+" class="edge">\s*<title>(.*?)</title>(.*?)</g>', svg, re.S):
        texts = [_text_box(attrs, text) for attrs, text in re.findall(r"<text([^>]*)>(.*?)</text>", body, re.S)
                 if text.strip()]
        if not texts:
            continue
        d = re.search(r'<path[^>]* d="([^"]*)"', body).group(1)
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
        pts = list(zip(nums[0::2], nums[1::2]))
        line = [_cubic(*pts[i:i + 4], k / 20) for i in range(0, len(pts) - 3, 3) for k in range(21)]
        for poly in re.findall(r'<polygon[^>]* points="([^"]*)"', body):
            line += [tuple(map(float, p.split(","))) for p in poly.split()]
        out.append((html.unescape(title), line, texts))
    return out

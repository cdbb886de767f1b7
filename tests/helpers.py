"""Readings shared by several test modules: the grads backward() leaves, the boxes dot draws."""

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

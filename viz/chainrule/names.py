"""What every picture and text calls a node: ``node_names``, and ``d`` before a name.

``node_names(root)`` gives each node of a graph one short, unique, deterministic
name (``x1[2]`` where a label repeats, ``*#7`` for an unlabelled op node); the
drawings' boxes, the replay, the explorer page and the explanations' ``names=``
all use it. ``d_name`` writes ``dw3``, ``dx1[2]`` or ``d(sq[1]+sq[2])``: every
d.../d... in chaingrad follows it.
"""

from __future__ import annotations

import re

from engine.checks import check_value
from engine.format import format_number
from engine.graph import topological_order
from engine.value import Value

__all__ = ["node_names", "is_one_word", "is_position_name", "d_name"]


def node_names(root: Value) -> dict[Value, str]:
    """A short, unique, deterministic name for every node of ``root``'s graph.

    A label used once is the name; a label used by several nodes gets its
    occurrence number in topological order (``x1[1]``, ``x1[2]`` ... one per
    data point when a network is run on several). Constants are named by their
    number (``2``); other unlabelled nodes by their op and topological
    position (``*#7``), the same position the drawings use. A name that would
    still be shared gets the node's position appended (``2#3``, ``2#5``).
    """
    check_value(root, "node_names", "root")
    order = topological_order(root)
    counts: dict[str, int] = {}
    for node in order:
        if node.label is not None:
            counts[node.label] = counts.get(node.label, 0) + 1
    seen: dict[str, int] = {}
    names: dict[Value, str] = {}
    for index, node in enumerate(order):
        if node.label is not None:
            if counts[node.label] == 1:
                names[node] = node.label
            else:
                seen[node.label] = seen.get(node.label, 0) + 1
                names[node] = f"{node.label}[{seen[node.label]}]"
        elif node.is_constant:
            names[node] = format_number(node.data)
        else:
            names[node] = f"{node.op or 'leaf'}#{index}"
    # Two constants of the same value (or a label that looks like a generated name)
    # would share a name: those get their topological position too, which is unique.
    uses: dict[str, int] = {}
    for name in names.values():
        uses[name] = uses.get(name, 0) + 1
    for index, node in enumerate(order):
        if uses[names[node]] > 1:
            names[node] = f"{names[node]}#{index}"
    return names


_ONE_WORD = re.compile(r"[\w.']+(?:\[\d+\])*")


def is_one_word(name: str) -> bool:
    """True for a name that needs no parentheses after a ``d``: letters, digits, ``_ . '``,
    and a data point's index in brackets (``w3``, ``x1[2]``); False for one holding an
    operator or a space (``sq[1]+sq[2]``, ``*#7``, ``w1·x + b1``).
    """
    return _ONE_WORD.fullmatch(name) is not None


def is_position_name(node: Value, name: str) -> bool:
    """True when ``name`` is the name ``node_names`` makes for an unlabelled
    ``node`` (not a constant) from its op and topological position: ``*#7``, ``-#19``, ``tanh#4``,
    ``leaf#0`` (``*#7#7`` where a label takes ``*#7``). Such a name points at a box; it is no word for a formula.
    """
    if node.label is not None or node.is_constant:
        return False
    return re.fullmatch(re.escape(node.op or "leaf") + r"#(\d+)(?:#\1)?", name) is not None


def d_name(name: str) -> str:
    """``d`` before a name, the rule every d.../d... in chaingrad follows.

    ``w3`` -> ``dw3``, ``x1[2]`` -> ``dx1[2]``; a name with an operator gets
    parentheses: ``d(sq[1]+sq[2])``, ``d(*#7)``.
    """
    return f"d{name}" if is_one_word(name) else f"d({name})"

"""The backward pass as text: each ``+=`` as a table row or an equation.

``engine.backward_steps`` gives the steps as data; this module writes them out
for a terminal (``replay_lines``, ``print_replay``) and for the frames' captions
(``step_equation``), naming nodes as ``viz.chainrule.names.node_names`` does.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from engine.backward_steps import BackwardStep, backward_steps
from engine.checks import check_value
from engine.format import format_number
from engine.value import Value
from viz.chainrule.names import d_name, node_names

__all__ = ["step_equation", "replay_lines", "print_replay"]

_d = d_name


def step_equation(
    step: BackwardStep, names: dict[Value, str], root: Value, *, digits: int = 4, times: str = "x"
) -> str:
    """The chain rule of one step, symbols then numbers, on one line.

    ``dSSR/dw3 += dSSR/dpredicted x dpredicted/dw3 : 0 + -4.56 x 1.03 = -4.7``
    (grad of the input += grad of the consumer x local derivative).
    """
    r, c, i = names[root], names[step.consumer], names[step.input]
    f = lambda x: format_number(x, digits)  # noqa: E731 - local shorthand
    # A negative factor in parentheses, so "+ -5.2 x -1" reads "+ (-5.2) x (-1)".
    factor = lambda x: format_number(x, digits, parens=True)  # noqa: E731
    return (
        f"{_d(r)}/{_d(i)} += {_d(r)}/{_d(c)} {times} {_d(c)}/{_d(i)} :  "
        f"{f(step.before)} + {factor(step.upstream)} {times} {factor(step.local_grad)} = {f(step.after)}"
    )


def replay_lines(
    root: Value,
    steps: Sequence[BackwardStep] | None = None,
    *,
    leaf: Value | None = None,
    digits: int = 4,
    equations: bool = False,
) -> list[str]:
    """The replay as text: a few header lines, then one line per ``+=`` (``steps``, by default all).

    As an aligned table for an 80-column terminal: each line reads
    ``before + upstream x local = after``, the consumer's grad (upstream)
    times d(consumer)/d(node) added to the node's grad; with the articles'
    names and 4 digits a line is at most 80 characters. With ``equations=True``,
    each step as its chain-rule equation (``step_equation``), wider but spelled out:
    ``step 13  dSSR/db3 += dSSR/dpredicted[1] x dpredicted[1]/db3 :  -10.45 + (-5.207) x 1 = -15.66  final``.
    ``final`` marks the step that completes a grad. ``leaf``: only the steps
    on the paths from that node (when ``steps`` is not given).
    """
    check_value(root, "replay_lines", "root")
    if steps is None:
        steps = backward_steps(root, leaf=leaf)
    names = node_names(root)
    if equations:
        return _equation_lines(root, steps, names, digits)
    return _table_lines(root, steps, names, digits)


def _equation_lines(
    root: Value, steps: Sequence[BackwardStep], names: dict[Value, str], digits: int
) -> list[str]:
    r = names[root]
    width = len(str(len(steps)))
    return [
        f"Backward from {r}, one += per line:",
        f"  {_d(r)}/dnode += {_d(r)}/dconsumer x dconsumer/dnode",
        "",
    ] + [
        f"step {k:>{width}}  {step_equation(s, names, root, digits=digits)}" + ("  final" if s.final else "")
        for k, s in enumerate(steps, 1)
    ]


def _table_lines(
    root: Value, steps: Sequence[BackwardStep], names: dict[Value, str], digits: int
) -> list[str]:
    r = names[root]
    f = lambda x: format_number(x, digits)  # noqa: E731 - local shorthand
    cells = [
        (names[s.input], names[s.consumer], f(s.before), f(s.upstream), f(s.local_grad), f(s.after), s.final)
        for s in steps
    ]
    # Column widths from the content, so short graphs make short lines.
    wi = max([len("grad of")] + [len(c[0]) for c in cells])
    wc = max([len("consumer")] + [len(c[1]) for c in cells])
    wn = max([len("upstream")] + [len(x) for c in cells for x in c[2:6]])
    ws = max(4, len(str(len(cells))))
    lines = [
        f"Backward from {r}, one += per line (grad(n) = {_d(r)}/dn; {r} starts at 1):",
        "  grad(node) += grad(consumer) x local,   local = d(consumer)/d(node)",
        "",
        f"{'step':>{ws}}  {'grad of':<{wi}}  {'consumer':<{wc}} {'before':>{wn}}   "
        f"{'upstream':>{wn}}   {'local':>{wn}}   {'after':>{wn}}",
    ]
    for k, (i, c, before, up, local, after, final) in enumerate(cells, 1):
        mark = " final" if final else ""
        lines.append(
            f"{k:>{ws}}  {i:<{wi}}  {c:<{wc}} {before:>{wn}} + {up:>{wn}} x {local:>{wn}} = {after:>{wn}}{mark}"
        )
    return lines


def print_replay(
    root: Value,
    *,
    leaf: Value | None = None,
    digits: int = 4,
    equations: bool = False,
    file: TextIO | None = None,
) -> list[BackwardStep]:
    """Print the replay of ``root.backward()`` (to ``file``, default stdout) and return its steps.

    The lines of ``replay_lines``: an aligned table, or with ``equations=True``
    the chain-rule equations. ``leaf``: only the steps on the paths from that
    node to ``root``.
    """
    steps = backward_steps(root, leaf=leaf)
    out = sys.stdout if file is None else file
    for line in replay_lines(root, steps, digits=digits, equations=equations):
        print(line, file=out)
    return steps

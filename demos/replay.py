"""Watch backward, one ``+=`` at a time, on the articles' drug-dosage network.

    python -m demos.replay                  # every step, as a table
    python -m demos.replay --step           # pause for Enter after each step
    python -m demos.replay --equations      # each step as a chain-rule equation
    python -m demos.replay --leaf w1        # only the steps on the paths from w1
    python -m demos.replay --html out/      # frame_000.svg ... and a self-contained index.html

The network (StatQuest, "Neural Networks Pt. 2: Backpropagation Main Ideas"):
one input, two softplus hidden neurons, one linear output, and the sum of
squared residuals over three data points::

    x1 = input * w1 + b1     y1 = softplus(x1)
    x2 = input * w2 + b2     y2 = softplus(x2)
    predicted = y1 * w3 + y2 * w4 + b3
    SSR = sum over the data of (observed - predicted)^2
"""

from __future__ import annotations

import argparse
import sys
from typing import Dict, List, Optional, Sequence, TextIO, Tuple

from engine import Value
from engine.replay import backward_steps, equation_lines, node_names, replay_lines
from viz.replay import MAX_FRAMES, write_replay
from demos.network import INPUTS, MAIN_IDEAS_START, OBSERVED, PARAMETER_NAMES, PUBLISHED_OPTIMUM

__all__ = ["PUBLISHED_OPTIMUM", "MAIN_IDEAS_START", "INPUTS", "OBSERVED", "articles_network", "find_node", "main"]

# The numbers (StatQuest's published optimum, the data) live in demos.network.
# The replay's default is Main Ideas' starting point: the optimum with b3 = 0,
# where the articles work out dSSR/db3 = -15.7.


def articles_network(
    params: Optional[Dict[str, float]] = None,
    inputs: Sequence[float] = INPUTS,
    observed: Sequence[float] = OBSERVED,
) -> Tuple[Value, Dict[str, Value]]:
    """Build ``SSR`` for the articles' network; returns ``(ssr, {name: parameter})``.

    ``params`` maps w1, b1, w2, b2, w3, w4, b3 to numbers (default:
    ``MAIN_IDEAS_START``). Every node is labelled as the articles name it, so
    drawings and the replay read ``dSSR/dw3 += dSSR/dy1w3[1] x ...``: the
    parameters, and per data point ``input``, ``observed``, ``x1``, ``y1``,
    ``x2``, ``y2``, ``y1w3`` = y1*w3, ``y2w4``, ``predicted``, ``residual`` =
    observed - predicted and ``sq`` = residual^2, with the point's number in
    brackets (``x1[2]``) when there are several points.
    """
    values = dict(MAIN_IDEAS_START)
    for name, number in (params or {}).items():
        if name not in values:
            raise ValueError(
                f"articles_network: unknown parameter {name!r}; expected one of {', '.join(PARAMETER_NAMES)}"
            )
        values[name] = number
    if len(inputs) != len(observed) or not inputs:
        raise ValueError(
            f"articles_network: need as many observed values as inputs (at least one), "
            f"got {len(inputs)} inputs and {len(observed)} observed"
        )
    p = {name: Value(values[name], name) for name in PARAMETER_NAMES}
    terms: List[Value] = []
    several = len(inputs) > 1
    for k, (dose, obs) in enumerate(zip(inputs, observed), 1):
        # One set of nodes per data point: label them x1[1], x1[2] ... so that every
        # box of a drawing and every name in a replay says which point it belongs to.
        def lab(name: str, k: int = k) -> str:
            return f"{name}[{k}]" if several else name

        i = Value(dose, lab("input"))
        x1 = ((i * p["w1"]).relabel(lab("input*w1")) + p["b1"]).relabel(lab("x1"))
        y1 = x1.softplus().relabel(lab("y1"))
        x2 = ((i * p["w2"]).relabel(lab("input*w2")) + p["b2"]).relabel(lab("x2"))
        y2 = x2.softplus().relabel(lab("y2"))
        y1w3 = (y1 * p["w3"]).relabel(lab("y1w3"))
        y2w4 = (y2 * p["w4"]).relabel(lab("y2w4"))
        predicted = ((y1w3 + y2w4).relabel(lab("y1w3+y2w4")) + p["b3"]).relabel(lab("predicted"))
        residual = (Value(obs, lab("observed")) - predicted).relabel(lab("residual"))
        terms.append(residual.square().relabel(lab("sq")))
    # SSR = sq[1] + sq[2] + sq[3], summed left to right; partial sums are named by their terms.
    ssr = terms[0]
    for k, term in enumerate(terms[1:], 2):
        ssr = (ssr + term).relabel("+".join(f"sq[{j}]" for j in range(1, k + 1)))
    return ssr.relabel("SSR"), p


def find_node(root: Value, name: str) -> Value:
    """The node of ``root``'s graph named ``name`` (a label, or ``x1[2]`` as the replay names it)."""
    names = node_names(root)
    for node, node_name in names.items():
        if node_name == name:
            return node
    known = sorted(set(names.values()))
    raise ValueError(f"no node named {name!r}; names in this graph: {', '.join(known)}")


def _parse_set(items: Sequence[str]) -> Dict[str, float]:
    params: Dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        try:
            if not sep:
                raise ValueError
            params[name.strip()] = float(text)
        except ValueError:
            raise ValueError(f"--set expects NAME=NUMBER such as b3=2.61, got {item!r}") from None
    return params


def _pause(stdin: TextIO, stdout: TextIO) -> bool:
    """Wait for Enter; False once stdin is exhausted (then the rest prints without pausing)."""
    stdout.write("  [Enter: next step] ")
    stdout.flush()
    line = stdin.readline()
    # A terminal echoes the Enter; from a pipe or file nothing does, so end the line here.
    interactive = hasattr(stdin, "isatty") and stdin.isatty()
    if not line or not interactive:
        stdout.write("\n")
    return bool(line)


def main(argv: Optional[Sequence[str]] = None, *, stdin: TextIO = None, stdout: TextIO = None) -> int:
    """Run the replay command line; returns the exit status."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    parser = argparse.ArgumentParser(
        prog="python -m demos.replay",
        description="Replay backward on the articles' network, one += per line.",
    )
    parser.add_argument("--step", action="store_true", help="pause for Enter after each step")
    parser.add_argument("--equations", action="store_true",
                        help="print each step as a chain-rule equation (wider lines) instead of a table")
    parser.add_argument("--leaf", metavar="NAME", help="only the steps on the paths from this node (w1, b3, x1[2] ...)")
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=NUMBER",
                        help="parameter values (default: the published optimum with b3 = 0)")
    parser.add_argument("--digits", type=int, default=4,
                        help="significant digits of the printed numbers (default 4; drawings show 3)")
    parser.add_argument("--html", metavar="DIR",
                        help="instead of printing, write frame_000.svg ... and a self-contained index.html into DIR")
    parser.add_argument("--max-frames", type=int, default=MAX_FRAMES,
                        help=f"the most frames --html draws (default {MAX_FRAMES})")
    args = parser.parse_args(argv)
    try:
        root, params = articles_network(_parse_set(args.set))
        leaf = find_node(root, args.leaf) if args.leaf else None
    except ValueError as err:
        parser.error(str(err))
    if not 1 <= args.digits <= 17:
        parser.error(f"--digits must be in 1..17, got {args.digits}")

    if args.html:
        # The page holds the frames and every step's equation: no table is printed.
        try:
            paths = write_replay(root, args.html, leaf=leaf, params=list(params.values()),
                                 max_frames=args.max_frames)
        except ValueError as err:
            print(f"python -m demos.replay: {err}", file=sys.stderr)
            return 2
        print(f"wrote {len(paths) - 1} frames and {paths[-1]}", file=stdout)
        return 0

    steps = backward_steps(root, leaf=leaf)
    if args.equations:
        r = node_names(root)[root]
        header = [f"Backward from {r}, one += per line:", f"  d{r}/dnode += d{r}/dconsumer x dconsumer/dnode", ""]
        rows = equation_lines(root, steps, digits=args.digits)
    else:
        table = replay_lines(root, steps, digits=args.digits)
        header, rows = table[: len(table) - len(steps)], table[len(table) - len(steps):]
    for line in header:
        print(line, file=stdout)
    pausing = args.step
    for row in rows:
        print(row, file=stdout)
        if pausing:
            pausing = _pause(stdin, stdout)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `python -m demos.replay | head` closed the pipe early
        sys.exit(0)

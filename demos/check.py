"""``python -m demos.check "dSSR/dw3 = -2 * (Predicted - Observed) * y1"``: check a gradient derived by hand.

The left side names the gradient of the articles' network (``dSSR/dNAME``: a
parameter w1..w4, b1..b3, or a node input, x1, y1, x2, y2, predicted, observed); the
right side is the formula as the articles write it, for one data point. It is summed
over the three data points and set beside the engine, point by point, with a finite
difference; a disagreement is diagnosed (``viz.practice.check``). Exit status 0 when it
agrees, 1 when it disagrees, 2 for a usage error (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence

from demos import network as net
from demos._options import OneLineParser, UsageError, finite_loss, parse_set
from nn.statquest import DETAILS_2_START, INPUTS, PARAMETER_NAMES
from viz.cli.run import run_command
from viz.practice.check import check
from viz.practice.hand_formula import FORMULA_HELP, FormulaError, split_gradient

__all__ = ["main", "DEFAULT_POINT"]

PROG = "python -m demos.check"

#: The parameters the demos' hidden-layer part uses (Details Pt. 2's start).
DEFAULT_POINT: dict[str, float] = dict(DETAILS_2_START)

EPILOG = f"""\
default parameters (the hidden-layer part's, Details Pt. 2's start):
  {", ".join(f"{n}={DEFAULT_POINT[n]:g}" for n in PARAMETER_NAMES)}

{textwrap.fill(
    "the formula: node names case-insensitively (input, observed, x1, y1, x2, y2, predicted, w1..w4, "
    f"b1..b3); {FORMULA_HELP}. It is read with Python's ast module against a whitelist, never evaluated "
    "as code.", 79)}

examples:
  {PROG} "dSSR/dw3 = -2 * (Predicted - Observed) * y1" \\
      --set w1=3.34 b1=-1.43 w2=-3.53 b2=0.57
  {PROG} \\
      "dSSR/dw1 = -2 * (Observed - Predicted) * w3 * (e^x1/(1 + e^x1)) * input"
  {PROG} --point 2 "dSSR/db3 = -2 * (observed - predicted)"

exit status: 0 the formula agrees with the engine, 1 it disagrees, 2 a usage
error (one line on stderr).
"""


def build_parser() -> OneLineParser:
    p = OneLineParser(
        prog=PROG,
        description="Check a gradient of the articles' network, derived by hand, against the engine.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("gradient", metavar="GRADIENT", nargs="?",
                   help='"dSSR/dNAME = formula", the formula for one data point, summed over the data')
    p.add_argument("--set", dest="assignments", metavar="NAME=VALUE", nargs="+", action="extend", default=[],
                   help="a parameter's value (w1..w4, b1..b3); the others keep the defaults below")
    p.add_argument("--point", type=int, metavar="K",
                   help=f"check data point K alone (1..{len(INPUTS)}) instead of the sum over the data")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the checker; 0 agrees, 1 disagrees, 2 usage error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # --set takes every word after it, so a gradient typed after --set lands there: take it back.
    moved = [a for a in args.assignments if "/" in a.partition("=")[0]]
    args.assignments = [a for a in args.assignments if a not in moved]
    given = ([args.gradient] if args.gradient is not None else []) + moved
    if len(given) != 1:
        parser.error("give one gradient, as in \"dSSR/dw3 = -2*(observed - predicted)*y1\"")
    args.gradient = given[0]
    try:
        if args.point is not None and not 1 <= args.point <= len(INPUTS):
            raise UsageError(f"--point {args.point}: the data points are 1..{len(INPUTS)}")
        params = {**DEFAULT_POINT, **parse_set(args.assignments)}
        split_gradient(args.gradient)  # the left side first: its message names the form
        graph = net.build(params)
        finite_loss(graph.ssr.data)
        result = check(graph.ssr, split_gradient(args.gradient)[1], args.gradient, point=args.point,
                       parameters=PARAMETER_NAMES)
    except (UsageError, FormulaError, ValueError) as err:
        print(f"{PROG}: error: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
    print(result)
    return 0 if result.agrees else 1


if __name__ == "__main__":
    raise SystemExit(run_command(PROG, main))

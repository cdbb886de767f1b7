"""``python -m demos``: the articles' backpropagation, step by step, with the engine doing the work.

    python -m demos                 # all seven parts
    python -m demos --step          # pause for Enter after each step (for a class)
    python -m demos --out DIR       # where the pictures go (default ./chaingrad-out)
    python -m demos --no-graph      # skip the pictures

Parts, each also a module of its own (``python -m demos.output_layer`` ...):

1. ``demos.forward``: the network, the data, the forward pass and the SSR;
2. ``demos.output_layer``: dSSR/dw3, dw4, db3 (Backpropagation Details Pt. 1);
3. ``demos.hidden_layer``: dSSR/dw1, db1, dw2, db2 (Details Pt. 2);
4. ``demos.gradient_descent``: one step by hand, then the training runs;
5. ``demos.graph``: the computation graph as SVG, the path from w1 in red;
   then ``demos.pictures``: descent.png, fit.png and loss.png of part 4's runs
   (with matplotlib, the ``plot`` extra; without it, one line says how to get them).
6. ``demos.article_formulas``: the articles' printed formulas through the checker;
7. ``demos.newton``: second derivatives from the engine (d²SSR/db3² = 6), Newton's
   one step on b3 beside gradient descent's ten, the seven parameters by Newton's
   method, and its pictures (newton.png, gradient.svg).

Every number the engine gives is checked against a hand formula (and each
gradient against a finite difference); if any disagree, the run stops with a
message and exit status 1, so the demos double as an acceptance test.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from demos import article_formulas, forward, gradient_descent, graph, hidden_layer, newton, output_layer, pictures
from demos._console import Console, cli

__all__ = ["main"]

INTRO = """\
chaingrad: backpropagation step by step, on the drug-dosage network of
StatQuest's Neural Networks Pt. 2 (Backpropagation Main Ideas, Details Pt. 1
and Pt. 2). The engine computes every number; the hand formulas of the
articles and finite differences check it."""


def run(con: Console, args: argparse.Namespace) -> None:
    """All parts in order; ``Mismatch`` propagates from the first failed check."""
    con.lines(INTRO)
    forward.run(con)
    output_layer.run(con)
    hidden_layer.run(con)
    ledgers = gradient_descent.run(con)
    if not args.no_graph:
        graph.run(con, args.out)
        pictures.run(con, args.out, ledgers)  # the runs part 4 trained, drawn
    article_formulas.run(con)
    newton.run(con, None if args.no_graph else args.out)
    con.title("Next")
    con.line()
    con.line("Watch backward fill in the gradients one += at a time:")
    con.line("  python -m demos.replay --step")
    con.line("Check a gradient you derived by hand; practise the derivation:")
    con.line('  python -m demos.check "dSSR/db3 = -2 * (observed - predicted)"')
    con.line("  python -m demos.practice --param w1")
    con.line("Draw your own expression:")
    con.line('  python -m viz "w1*x + b1" --set w1=3.34 x=0.5 b1=-1.43 -o graph.svg')


def main(argv: Sequence[str] | None = None) -> int:
    """Run every part; returns 0, or 1 when a hand formula and the engine disagree."""
    return cli(
        "demos", "The articles' backpropagation, step by step, with the engine doing the work.",
        run, argv, draws=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())

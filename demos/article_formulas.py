"""Part 6: checking the articles' formulas with ``viz.practice.check`` (``python -m demos.check`` does one).

Run alone with ``python -m demos.article_formulas``. The output-layer article
(Details Pt. 1) prints its result as::

    dSSR/d(predicted) = 2 * (Predicted - Observed) * -1
    dSSR/dw3 = -2 * (Predicted - Observed) * y1

which is the negative of the right answer: SSR = sum (observed - predicted)^2, so
dSSR/dpredicted = -2 (observed - predicted). Coded as printed, gradient descent
climbs. The checker flags each (the opposite sign, with the numbers), and the same
formulas with observed and predicted swapped back agree. The hidden-layer article
(Details Pt. 2) writes them the right way round, and its formulas agree.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from demos import network as net
from demos._console import Console, Mismatch, cli, fixed
from nn import statquest as sq
from viz.practice.check import CheckResult, check
from viz.practice.hand_formula import split_gradient

__all__ = ["OUTPUT_LAYER", "HIDDEN_LAYER", "run", "main"]

#: Details Pt. 1's formulas as printed, each with the same formula corrected.
OUTPUT_LAYER: list[tuple[str, str]] = [
    ("dSSR/d(predicted) = 2 * (Predicted - Observed) * -1", "dSSR/d(predicted) = 2 * (Observed - Predicted) * -1"),
    ("dSSR/dw3 = -2 * (Predicted - Observed) * y1", "dSSR/dw3 = -2 * (Observed - Predicted) * y1"),
    ("dSSR/dw4 = -2 * (Predicted - Observed) * y2", "dSSR/dw4 = -2 * (Observed - Predicted) * y2"),
    ("dSSR/db3 = -2 * (Predicted - Observed)", "dSSR/db3 = -2 * (Observed - Predicted)"),
]

#: Details Pt. 2's formulas, written as it writes dSSR/dw1 (a bias's last factor is 1).
HIDDEN_LAYER: list[str] = [
    "dSSR/dw1 = -2 * (Observed - Predicted) * w3 * (e^x1 / (1 + e^x1)) * input",
    "dSSR/db1 = -2 * (Observed - Predicted) * w3 * (e^x1 / (1 + e^x1)) * 1",
    "dSSR/dw2 = -2 * (Observed - Predicted) * w4 * (e^x2 / (1 + e^x2)) * input",
    "dSSR/db2 = -2 * (Observed - Predicted) * w4 * (e^x2 / (1 + e^x2)) * 1",
]


def check_formula(params: dict[str, float], text: str) -> CheckResult:
    """``viz.practice.check`` on the articles' network at ``params``, for ``dSSR/dNAME = formula``."""
    return check(net.build(params).ssr, split_gradient(text)[1], text, parameters=sq.PARAMETER_NAMES)


def _numbers(con: Console, result: CheckResult) -> None:
    """The formula's value and the engine's at each point, and their sums, as two rows."""
    headers = ["", *[f"point {p.index}" for p in result.points], "sum"]
    con.table(headers, [
        ["yours", *[fixed(p.formula, 4) for p in result.points], fixed(result.formula_sum, 4)],
        ["engine", *[fixed(p.engine, 4) for p in result.points], fixed(result.engine_sum, 4)],
    ], indent=4)


def _expect(result: CheckResult, kind: str | None) -> None:
    """``Mismatch`` unless the checker's first diagnosis is ``kind`` (None: it agrees)."""
    got = None if result.agrees else result.diagnoses[0].kind
    if got != kind:
        raise Mismatch(f"{result.gradient} = {result.formula}: expected {kind or 'agreement'}, the checker says {got}")


def run(con: Console) -> list[CheckResult]:
    """Print part 6; ``Mismatch`` if a verdict is not the expected one."""
    con.title("6. Checking the articles' formulas  (python -m demos.check)")
    con.line()
    con.paragraph(
        "Each formula is for one data point, summed over the three points, as the articles write "
        "them; the checker evaluates it at each point and sets it beside the engine's term there."
    )
    results = []
    p1 = dict(sq.DETAILS_1_START)
    con.heading("Details Pt. 1 (the output layer), at its starting point")
    for printed, corrected in OUTPUT_LAYER:
        con.line()
        bad = check_formula(p1, printed)
        _expect(bad, "opposite sign")
        con.line(f"  as printed: {printed}")
        _numbers(con, bad)
        con.line(f"    disagrees: {bad.diagnoses[0].kind}; gradient descent with it would increase SSR")
        good = check_formula(p1, corrected)
        _expect(good, None)
        con.line(f"  corrected:  {corrected}   agrees")
        results += [bad, good]
    con.line()
    con.paragraph(
        "SSR = sum (observed - predicted)^2, so dSSR/dpredicted = 2 (observed - predicted) x (-1): "
        "the article's (Predicted - Observed) has the sign the wrong way round."
    )
    p2 = dict(sq.DETAILS_2_START)
    con.heading("Details Pt. 2 (the hidden layer), at its starting point")
    con.line()
    for text in HIDDEN_LAYER:
        result = check_formula(p2, text)
        _expect(result, None)
        con.line(f"  {text}")
        con.line(f"    agrees: sum {fixed(result.formula_sum, 6)}, engine {fixed(result.engine_sum, 6)}")
        results.append(result)
    con.line()
    con.ok("Pt. 1 as printed: the opposite sign; corrected, and Pt. 2's: agree")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m demos.article_formulas [--step]``: print part 6; 1 if a verdict changes."""

    def body(con: Console, args: argparse.Namespace) -> None:
        run(con)

    return cli("demos.article_formulas", __doc__ or "", body, argv)


if __name__ == "__main__":
    raise SystemExit(main())

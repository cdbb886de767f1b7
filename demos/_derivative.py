"""One derivative of the SSR, shown three ways: chain rule, hand formula, finite difference.

Shared by the output-layer and hidden-layer demos. For a parameter such as w3:

1. the chain-rule factors per data point, read off the engine's graph by
   ``viz.explain`` (products of the local derivatives stored on its edges, cut
   at the labelled nodes), each checked against the factor's hand formula
   evaluated in plain floats;
2. their sum, which must equal the engine's ``grad`` after ``backward()``;
3. the whole hand formula (e.g. sum of -2 (observed - predicted) y1), summed
   over the data in plain floats, and a central finite difference of the SSR.

Any disagreement beyond tolerance raises ``Mismatch``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from demos import network as net
from demos._console import WIDTH, Console, Mismatch, check_close, fixed
from engine import numerical_grad
from nn import statquest as sq
from viz import Explanation, explain

__all__ = [
    "Derivative",
    "Result",
    "HAND_TOL",
    "FD_TOL",
    "FD_STEP",
    "RESIDUAL",
    "d_ssr_d_predicted",
    "finite_differences",
    "show_derivatives",
    "show_derivative",
    "show_summary",
]

#: Engine vs hand formula: the same arithmetic in another order, so only round-off differs.
HAND_TOL = 1e-9
#: Engine vs central difference with step FD_STEP: O(h^2) + round-off / h, about 1e-9 here.
FD_TOL = 1e-6
FD_STEP = 1e-6

#: dSSR/dpredicted as the articles write it, the first factor of every derivative.
RESIDUAL = "-2 (observed - predicted)"


def d_ssr_d_predicted(observed: float, forward: Mapping[str, float]) -> float:
    """d/dpredicted (observed - predicted)^2 = -2 (observed - predicted), in plain floats."""
    return -2.0 * (observed - forward["predicted"])


# (params, forward pass of one point in plain floats, input, observed) -> one number per factor
HandFactors = Callable[[Mapping[str, float], dict[str, float], float, float], tuple[float, ...]]


@dataclass(frozen=True)
class Derivative:
    """What to show for d SSR / d ``param``.

    ``through`` names the labelled nodes between the SSR and the parameter,
    from the root down (``("predicted",)`` for w3), where ``viz.explain`` cuts
    each path into the articles' factors; ``factor_text`` writes each factor's
    formula; ``hand_factors`` evaluates them for one point in plain floats;
    ``hand_text`` says the whole derivative, summed over the data, in words.
    """

    param: str
    through: tuple[str, ...]
    factor_text: tuple[str, ...]
    hand_factors: HandFactors
    hand_text: str

    @property
    def factor_names(self) -> list[str]:
        """The articles' names of the factors: ``['dSSR/dpredicted', 'dpredicted/dw3']`` for w3."""
        nodes = ["SSR", *self.through, self.param]
        return [f"d{top}/d{bottom}" for top, bottom in zip(nodes, nodes[1:])]

    def hand_formula(self, params: Mapping[str, float]) -> float:
        """The whole derivative by hand: the sum over the data of the product of the factors."""
        return sum(
            math.prod(self.hand_factors(params, forward, dose, observed))
            for dose, observed, forward in net.forward_all(params)
        )


@dataclass(frozen=True)
class Result:
    """The three numbers for one parameter, and the sum of the chain-rule products."""

    param: str
    engine: float
    hand: float
    numeric: float
    chain_sum: float


def finite_differences(params: Mapping[str, float]) -> dict[str, float]:
    """Central differences of the SSR (built by the engine, evaluated forward only)."""

    def ssr(*values):
        return net.build({n: v.data for n, v in zip(sq.PARAMETER_NAMES, values)}).ssr

    point = [params[n] for n in sq.PARAMETER_NAMES]
    return dict(zip(sq.PARAMETER_NAMES, numerical_grad(ssr, point, FD_STEP)))


def show_derivative(
    con: Console,
    graph: net.Network,
    params: Mapping[str, float],
    d: Derivative,
    numeric: float,
) -> Result:
    """Print the derivation of dSSR/d(param) and check it; ``graph`` has had ``backward()``."""
    leaf = graph.params[d.param]
    names = d.factor_names
    explanation = explain(graph.ssr, leaf)

    con.heading(f"dSSR/d{d.param}")
    con.line(f"  dSSR/d{d.param} = " + " x ".join(names))
    pad = " " * len(f"  dSSR/d{d.param} ")
    con.line(pad + "= " + " x ".join(d.factor_text))
    con.line()

    rows, terms = _factor_rows(graph, params, d, explanation)
    chain_sum = explanation.total
    headers = ["input", *names, "product"]
    sum_row = [""] * (len(headers) - 2) + ["sum", fixed(chain_sum, 4)]
    con.table(headers, rows + [sum_row], left=0)
    con.line()

    engine_grad = leaf.grad
    hand_total = d.hand_formula(params)
    check_close(
        f"dSSR/d{d.param}", chain_sum, engine_grad,
        ("sum of chain-rule products", "engine grad after backward()"), HAND_TOL,
    )
    check_close(
        f"dSSR/d{d.param}", engine_grad, hand_total, ("engine grad", "hand formula"), HAND_TOL
    )
    check_close(
        f"dSSR/d{d.param}", engine_grad, numeric, ("engine grad", "finite difference"), FD_TOL
    )
    _hand_formula_lines(con, d, terms, hand_total)
    result = Result(d.param, engine_grad, hand_total, numeric, chain_sum)
    _three_numbers(con, [result])
    return result


def _factor_rows(
    graph: net.Network, params: Mapping[str, float], d: Derivative, explanation: Explanation
) -> tuple[list[list[str]], list[str]]:
    """Per data point: the row of the factors' values and their product, and the hand formula's term.

    Each factor of ``viz.explain``'s paths is checked against its hand formula in plain floats.
    """
    names = d.factor_names
    point_of = {p.predicted: k for k, p in enumerate(graph.points)}  # Values hash by identity
    rows: list[list[str]] = []
    terms: list[str] = []  # the hand formula's terms, with the numbers put in
    for path in explanation.paths:
        got = [f.name for f in path.factors]
        if got != names:
            raise Mismatch(
                f"dSSR/d{d.param}: viz.explain cuts a path into {' x '.join(got)},"
                f" the articles into {' x '.join(names)}"
            )
        k = point_of[path.factors[0].bottom]  # the first cut is the point's predicted
        pt = graph.points[k]
        dose, observed = pt.input.data, pt.observed
        forward = net.forward_floats(params, dose)
        hand = d.hand_factors(params, forward, dose, observed)
        for factor, hand_value in zip(path.factors, hand):
            check_close(
                f"d{d.param}, point {k + 1}, factor {factor.name}",
                factor.value,
                hand_value,
                ("engine (local derivatives)", "hand formula"),
                HAND_TOL,
            )
        terms.append(
            " x ".join([f"-2 ({fixed(observed, 1)} - {fixed(forward['predicted'], 4, parens=True)})",
                        *[_short(v) for v in hand[1:]]])
        )
        rows.append([fixed(dose, 1), *[fixed(f.value, 4) for f in path.factors],
                     fixed(path.product, 4)])
    return rows, terms


def _hand_formula_lines(con: Console, d: Derivative, terms: Sequence[str], hand_total: float) -> None:
    """The whole hand formula, then its terms with the numbers put in, and their sum."""
    head = f"  hand formula: dSSR/d{d.param} = "
    pad = " " * (len(head) - 2)
    # A long formula goes on at its " x ", under the "=": the lines stay within 80 columns.
    line = head
    for k, part in enumerate(d.hand_text.split(" x ")):
        piece = part if k == 0 else " x " + part
        if k and len(line) + len(piece) > WIDTH:
            con.line(line)
            line = pad + "  " + piece.lstrip()
        else:
            line += piece
    con.line(line)
    for k, term in enumerate(terms):
        con.line(pad + ("= " if k == 0 else "+ ") + term)
    con.line(pad + "= " + fixed(hand_total))
    con.line()


def _short(x: float) -> str:
    """A factor in a written-out formula: 4 decimals, trailing zeros dropped (0.5, 1, 0.2146, (-1.22))."""
    text = fixed(x, 4).rstrip("0").rstrip(".")
    if text in ("", "-"):
        return "0"
    return f"({text})" if text.startswith("-") else text  # x (-1.22), never x -1.22


def _three_numbers(con: Console, results: Sequence[Result]) -> None:
    """A row per parameter: engine grad, hand formula, finite difference and their gaps."""
    con.table(
        ["", "engine grad", "hand formula", "finite diff.", "|eng-hand|", "|eng-fd|"],
        [
            [f"dSSR/d{r.param}", fixed(r.engine), fixed(r.hand), fixed(r.numeric),
             f"{abs(r.engine - r.hand):.1e}", f"{abs(r.engine - r.numeric):.1e}"]
            for r in results
        ],
    )


def show_summary(con: Console, results: Sequence[Result]) -> None:
    """All parameters' three numbers in one table, with a closing ``ok`` line."""
    con.heading("The engine, the hand formula and the finite difference, side by side")
    _three_numbers(con, results)
    con.line()
    con.ok(
        f"engine = hand formula (within {HAND_TOL:g}) = finite difference"
        f" (within {FD_TOL:g})"
    )



def show_derivatives(
    con: Console, graph: net.Network, params: Mapping[str, float], derivs: Sequence[Derivative]
) -> list[Result]:
    """``show_derivative`` for each of ``derivs``, then ``show_summary``; pauses after each."""
    numeric = finite_differences(params)
    results = []
    for d in derivs:
        results.append(show_derivative(con, graph, params, d, numeric[d.param]))
        con.pause()
    show_summary(con, results)
    con.pause()
    return results

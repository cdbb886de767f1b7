"""Grads beyond the float range: explain, check, explore and the practice questions say where, in their words.

Every value here is finite (``Value`` refuses inf), yet products of local derivatives
overflow: ``1e200 × 1e200``, and two such paths of opposite signs sum to ``inf + -inf``,
nan. Each case is built three ways: with labels (``m = a*x``), without any label, and as
an nn MLP whose weights are set to 1e200. The expected numbers are IEEE arithmetic on
the literals (``1e200 * 1e200 == inf``), not read from the code.
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction

import pytest

from engine import Value, topological_order
from engine.backward_steps import first_non_finite, fresh_grads
from engine.numeric import float_sum
from nn import MLP
from viz import explain
from viz.chainrule.names import node_names
from viz.page.explorer import explore_html
from viz.practice.check import check
from viz.practice.questions import make_questions

BIG, TINY = 1e200, 1e-300
assert BIG * BIG == math.inf and BIG * -BIG == -math.inf and math.isnan(math.inf - math.inf)


def opposite_paths(labels: bool) -> tuple[Value, Value]:
    """y = a·x·b + c·x·b with a = -c = b = 1e200, x = 1e-300: y = 0, its two paths to x are +-inf."""
    name = (lambda s: s) if labels else (lambda s: None)
    x, a, c, b = Value(TINY, name("x")), Value(BIG, name("a")), Value(-BIG, name("c")), Value(BIG, name("b"))
    m, n = a * x, c * x
    if labels:
        m.relabel("m"), n.relabel("n")
    y = m * b + n * b
    if labels:
        y.relabel("y")
    y.backward()
    return y, x


def mlp_paths() -> tuple[Value, Value]:
    """An MLP 1-2-1, linear, whose two hidden paths from the input are 1e200·1e200 and -1e200·1e200."""
    model = MLP(1, [2, 1], activations=("linear", "linear"), seed=0)
    model.set_parameters({"L1.n1.w1": BIG, "L1.n2.w1": -BIG, "L2.n1.w1": BIG, "L2.n1.w2": BIG})
    x = Value(TINY, "x")
    out = model(x)
    out.backward()
    return out, x


CASES = {"labelled": lambda: opposite_paths(True), "no labels": lambda: opposite_paths(False), "MLP": mlp_paths}


def test_float_sum_is_fsum_and_ieee_where_fsum_raises():
    assert float_sum([0.1] * 10) == 1.0 == math.fsum([0.1] * 10)
    assert math.isnan(float_sum([math.inf, -math.inf]))  # fsum raises ValueError
    assert float_sum([1e308, 1e308]) == math.inf and float_sum([-1e308, -1e308]) == -math.inf
    exact = Fraction(1e308) + Fraction(1e308) - Fraction(1e308)
    assert float_sum([1e308, 1e308, -1e308]) == float(exact) == 1e308  # fsum raises OverflowError
    assert float_sum([]) == 0.0 and float_sum([math.inf, 1.0]) == math.inf


@pytest.mark.parametrize("case", CASES)
def test_explain_sums_the_paths_to_nan_and_names_where_the_pass_leaves_the_range(case):
    root, x = CASES[case]()
    assert math.isnan(x.grad)  # one backward() made it: nothing accumulated
    e = explain(root, x)
    assert sorted(p.product for p in e.paths) == [-math.inf, math.inf]
    assert math.isnan(e.total) and not e.agrees
    text = str(e)
    assert "call zero_grad()" not in text and "accumulate" not in text
    step = first_non_finite(root, leaf=x)
    assert step is not None and step.input is x and abs(step.local_grad * step.upstream) == math.inf
    verdict = text.splitlines()[-1]
    assert "(not finite: the backward pass leaves the float range at " in verdict, verdict
    assert re.search(r"= 1e\+200 × -?1e\+200\)$", verdict), verdict


def test_a_grad_that_only_the_paths_overflow_is_said_to_be_right():
    # y = (v·1 + (-v))·B, v = x·K: backward sums dy/dv = B - B = 0 before multiplying by K;
    # the paths multiply first: B·K = inf and -B·K = -inf.
    x, k, b = Value(1.0, "x"), Value(BIG, "K"), Value(BIG, "B")
    v = (x * k).relabel("v")
    y = ((v * 1 + (-v)) * b).relabel("y")
    y.backward()
    assert x.grad == 0.0 and fresh_grads(y)[x] == 0.0
    e = explain(y, x)
    assert math.isnan(e.total)
    assert e.verdict.startswith("DIFFER: a path's product is beyond the float range")
    assert e.verdict.endswith("x.grad = 0")


def test_each_reason_for_a_finite_disagreement():
    x = Value(2.0, "x")
    y = (x * x).relabel("y")
    assert explain(y, x).verdict == "DIFFER: x.grad is 0: call y.backward() first"  # never run
    y.backward()
    y.backward()  # a leaf accumulates: 2 · 2x
    assert x.grad == 8.0 and "zero_grad" in explain(y, x).verdict
    u = (x * 3).relabel("u")
    y2, z = (u * u).relabel("y2"), (u * 5).relabel("z")
    y2.backward()
    z.backward()  # u's grad is now dz/du = 5, not dy2/du = 2u = 12
    assert u.grad == 5.0
    assert explain(y2, u).verdict == "DIFFER: u.grad is from a backward() of another root; call y2.backward()"


def test_paths_that_cancel_agree_within_the_round_off_of_their_size():
    # dy/dx = 1e16 + 1 - 1e16: exactly 1 (fsum), 0 summed in floats (1e16 + 1 rounds to 1e16);
    # 1 is below the round-off of terms of 1e16 (2.2 = eps · 1e16), so the two agree.
    assert 1e16 + 1 - 1e16 == 0.0 and 1.0 < 2.3e-16 * 1e16
    x = Value(1.0, "x")
    y = (x * 1e16 + x * 1.0 + x * -1e16).relabel("y")
    y.backward()
    e = explain(y, x)
    assert e.total == 1.0 and x.grad == 0.0 and e.agrees and e.verdict == "agree"


@pytest.mark.parametrize("case", CASES)
def test_check_refuses_a_nan_engine_value_naming_check_and_the_node(case):
    root, x = CASES[case]()
    if x.label is None:
        x.relabel("x")  # check names nodes by label; the rest of the graph keeps none
    with pytest.raises(ValueError) as info:
        check(root, "x", "0")
    message = str(info.value)
    # without labels the root's sum splits into two data points (one per term), each inf or -inf
    said = r"check: the engine's d\w+/dx (at data point \d )?is (nan|inf|-inf), not a number"
    assert re.match(said, message), message
    assert "the backward pass leaves the float range at x" in message and "\n" not in message


@pytest.mark.parametrize("case", CASES)
def test_explore_names_itself_and_the_node_whose_grad_is_nan(case):
    root, x = CASES[case]()
    with pytest.raises(ValueError) as info:
        explore_html(root)
    message = str(info.value)
    name = node_names(root)[x]
    assert message.startswith(f"explore: the grad of {name!r} is nan (the backward pass leaves the float range at "), \
        message
    assert message.endswith("the page needs finite numbers (change the inputs that overflow)")


def test_explore_names_the_node_whose_value_is_inf_not_a_json_error():
    x = Value(1e308)  # no labels at all
    y = x * 10.0
    with pytest.raises(ValueError) as info:
        explore_html(y)
    assert str(info.value).startswith("explore: the value of '*#2' is inf (* of 1e+308, 10 is beyond the float range)")


def test_a_practice_question_beyond_the_float_range_is_refused_and_the_page_says_so():
    # The grads are finite (backward cancels before multiplying), a path's product is not.
    w, k, b = Value(1.0, "w1"), Value(BIG, "K"), Value(BIG, "B")
    v = (w * k).relabel("v")
    y = ((v + (-v)) * b).relabel("y")  # no constant: its grad B·K would overflow
    y.backward()
    with pytest.raises(ValueError, match=r"^make_questions: .* is inf, beyond the float range"):
        make_questions(y, "w1")
    page = explore_html(y, params=[w])  # the page is made; its quiz for w1 says why there is none
    data = json.loads(re.search(r'id="chaingrad-data">(.*?)</script>', page, re.DOTALL).group(1))
    (quiz,) = data["quizzes"]
    assert quiz["param"] == "w1" and "beyond the float range" in quiz["error"]


def test_a_chain_with_an_infinite_local_derivative_is_named():
    b = Value(1e-200, "b")
    y = (b ** -1 * 1e-200).relabel("y")  # 1/b = 1e200 is finite, d(1/b)/db = -1/b^2 = -inf
    y.backward()
    order = topological_order(y)
    assert order[1].local_grads == (-math.inf,)
    assert explain(y, b).verdict.endswith(": its local derivative d(b^-1)/db is -inf")


def test_the_page_names_where_a_changed_parameter_takes_the_pass_beyond_the_float_range(chromium_browser, tmp_path):
    from tests.browser import Tab
    from viz.page.explorer import explore

    # y = (w1·x)·w2 at w1 = w2 = 1 is finite; at w1 = w2 = 1e200, dy/dx = w1·w2 = inf while y = 1e100.
    x, w1, w2 = Value(TINY, "x"), Value(1.0, "w1"), Value(1.0, "w2")
    y = ((w1 * x).relabel("u") * w2).relabel("y")
    y.backward()
    path = explore(y, tmp_path / "page.html", params=[w1, w2])
    tab = Tab(chromium_browser)
    try:
        tab.open(path.as_uri())
        tab.page.click('[data-node="x"]')
        assert tab.page.inner_text("[data-panel]").endswith("(agree)")
        tab.page.fill('input[data-param="w1"]', "1e200")
        tab.page.fill('input[data-param="w2"]', "1e200")
        last = tab.page.inner_text("[data-panel]").splitlines()[-1]
        assert BIG * BIG == math.inf
        assert last == ("engine's grad    x.grad = inf   (not finite: the backward pass leaves the float range at x:"
                        " dy/dx += dy/du × du/dx = 1e+200 × 1e+200)"), last
        # the engine's own explanation at those numbers says the same
        x2, a, b = Value(TINY, "x"), Value(BIG, "w1"), Value(BIG, "w2")
        y2 = ((a * x2).relabel("u") * b).relabel("y")
        y2.backward()
        assert str(explain(y2, x2, names=node_names(y2))).splitlines()[-1] == last
        assert "zero_grad" not in tab.page.inner_text("[data-panel]")
        assert tab.problems() == []
    finally:
        tab.page.close()

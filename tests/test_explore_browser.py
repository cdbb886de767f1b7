"""The explorer page in a real browser: Debian's chromium through Playwright (skips where missing).

Every number the page shows or holds is compared with the Python engine's, computed
independently here: the engine's forward pass and backward() on a graph built at the
same point, ``str(explain(...))`` for the panel, ``step_equation`` for the steps.
"""

from __future__ import annotations

import json
import math
import random

import pytest

from demos.network import articles_network
from engine import Value, topological_order
from engine.backward_steps import backward_steps
from engine.ops import OPS, POWER
from tests.browser import Tab
from tests.helpers import backward_grads
from viz.chainrule.explanation import explain
from viz.chainrule.names import node_names
from viz.page.explorer import explore
from viz.practice.questions import make_questions
from viz.replay.step_text import step_equation

REL = 1e-12


def close(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= REL * max(abs(a), abs(b))


@pytest.fixture(scope="module")
def network_page(tmp_path_factory):
    root, params = articles_network()
    path = explore(root, tmp_path_factory.mktemp("explore") / "index.html", params=list(params.values()))
    return path


@pytest.fixture()
def tab(chromium_browser):
    t = Tab(chromium_browser)
    yield t
    t.page.close()


def attributes(tab: Tab) -> dict[str, tuple[float, float]]:
    """{data-node: (data-value, data-grad)} of every box, read back as numbers."""
    pairs = tab.page.eval_on_selector_all(
        "[data-node]", "els => els.map(e => [e.dataset.node, e.dataset.value, e.dataset.grad])"
    )
    return {name: (float(v), float(g)) for name, v, g in pairs}


def test_the_page_loads_without_problems_or_requests(tab, network_page):
    url = network_page.as_uri()
    tab.open(url)
    assert tab.problems() == []
    assert tab.requested_urls() == [url]  # self-contained: the page is the only thing fetched
    root, _ = articles_network()
    grads = backward_grads(root)
    names = node_names(root)
    shown = attributes(tab)
    assert len(shown) == len(names)
    for node, name in names.items():  # at load: the engine's own numbers, exactly
        assert shown[name] == (node.data, grads[node]), name
    assert tab.page.inner_text("[data-step]") == f"step 0 of {len(backward_steps(root))}"


def test_clicking_w1_shows_its_chain_rule_and_the_engines_grad(tab, network_page):
    tab.open(network_page.as_uri())
    tab.page.click('[data-node="w1"]')
    root, params = articles_network()
    backward_grads(root)
    text = tab.page.inner_text("[data-panel]")
    assert "dSSR/dw1" in text
    assert f"w1.grad = {params['w1'].grad:.3g}" in text
    assert text == str(explain(root, params["w1"], names=node_names(root)))
    # with the boxes' names, per data point: each path through its own sq[k] and x1[k]
    for k in (1, 2, 3):
        assert f"dsq[{k}]/dresidual[{k}]" in text and f"sigmoid(x1[{k}])" in text
    assert "dsq/dresidual" not in text
    # its paths are highlighted: w1, the three x1, y1 ... predicted boxes up to SSR
    lit = tab.page.eval_on_selector_all(".node.on-path, .node.selected", "els => els.map(e => e.dataset.node)")
    assert {"w1", "x1[1]", "x1[2]", "x1[3]", "SSR"} <= set(lit) and "w2" not in lit
    # from the keyboard: Tab to a node, Enter
    tab.page.focus('[data-node="b3"]')
    tab.page.keyboard.press("Enter")
    assert tab.page.inner_text("[data-panel]") == str(explain(root, params["b3"], names=node_names(root)))
    assert tab.problems() == []


def test_setting_b3_recomputes_every_number_as_the_engine_does(tab, network_page):
    tab.open(network_page.as_uri())
    tab.page.click('[data-node="w1"]')
    tab.page.fill('input[data-param="b3"]', "2.61")
    root, params = articles_network({"b3": 2.61})
    grads = backward_grads(root)
    shown = attributes(tab)
    for node, name in node_names(root).items():
        value, grad = shown[name]
        assert close(value, node.data) and close(grad, grads[node]), (name, value, node.data, grad, grads[node])
    assert shown["SSR"][0] != attributes_at_start()["SSR"]
    assert tab.page.inner_text("[data-panel]") == str(explain(root, params["w1"], names=node_names(root)))
    locals_ = tab.page.eval_on_selector_all("[data-edge]", "els => els.map(e => [e.dataset.edge, e.dataset.local])")
    order = topological_order(root)
    for key, local in locals_:
        consumer, k = map(int, key.split(":"))
        assert close(float(local), order[consumer].local_grads[k])
    assert tab.problems() == []


def attributes_at_start() -> dict[str, float]:
    root, _ = articles_network()
    return {name: node.data for node, name in node_names(root).items()}


def test_a_domain_error_is_shown_and_the_last_good_numbers_kept(tab, tmp_path):
    x = Value(2.0, "w1")
    y = (x - 1).log().relabel("y")
    page = explore(y, tmp_path / "log.html")
    with pytest.raises(ValueError) as engine_says:  # the engine's own words at w1 = 0.5
        (Value(0.5, "w1") - 1).log()
    tab.open(page.as_uri())
    tab.page.fill('input[data-param="w1"]', "0.5")
    error = tab.page.inner_text("[data-error]")
    assert str(engine_says.value) == "log: input must be > 0, got -0.5" and str(engine_says.value) in error
    assert tab.page.get_attribute('[data-node="w1"]', "data-value") == "2"
    assert tab.page.get_attribute('[data-node="y"]', "data-value") == "0"
    assert tab.page.get_attribute('input[data-param="w1"]', "aria-invalid") == "true"
    tab.page.fill('input[data-param="w1"]', "3")
    assert tab.page.is_hidden("[data-error]")
    assert float(tab.page.get_attribute('[data-node="y"]', "data-value")) == math.log(2.0)
    tab.page.fill('input[data-param="w1"]', "")
    tab.page.dispatch_event('input[data-param="w1"]', "change")
    assert "w1: type a number; the numbers shown are for w1 = 3" in tab.page.inner_text("[data-error]")
    assert tab.problems() == []


def test_the_zoom_buttons_fit_the_graph_to_its_frame(tab, network_page):
    tab.open(network_page.as_uri())
    page = tab.page
    wide = page.eval_on_selector("#graph svg", "s => s.getBoundingClientRect().width")
    page.click('[data-zoom="fit"]')
    assert page.eval_on_selector("#graph", "g => g.scrollWidth <= g.clientWidth")
    page.click('[data-zoom="in"]')
    assert page.eval_on_selector("#graph svg", "s => s.getBoundingClientRect().width") < wide


def test_the_arrow_keys_step_through_backward(tab, network_page):
    root, _ = articles_network()
    steps = backward_steps(root)
    names = node_names(root)
    n = len(steps)
    tab.open(network_page.as_uri())
    page = tab.page
    start = page.inner_text("[data-equation]")
    page.keyboard.press("ArrowRight")
    assert page.inner_text("[data-step]") == f"step 1 of {n}"
    assert page.inner_text("[data-equation]") == step_equation(steps[0], names, root, digits=3, times="×") != start
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert page.inner_text("[data-step]") == f"step 1 of {n}"
    page.keyboard.press("End")
    assert page.inner_text("[data-step]") == f"step {n} of {n}"
    for k in (n, 13, 40):  # every equation is the replay's, at any step
        page.evaluate("k => { location.hash = 'step=' + k; }", k)
        page.wait_for_function(f"document.querySelector('[data-step]').textContent === 'step {k} of {n}'")
        assert page.inner_text("[data-equation]") == step_equation(steps[k - 1], names, root, digits=3, times="×")
    page.keyboard.press("Home")
    assert page.inner_text("[data-equation]") == start
    page.click("[data-next]")
    assert page.inner_text("[data-step]") == f"step 1 of {n}"
    assert tab.problems() == []


def test_a_step_link_opens_that_step_and_blanks_the_grads_not_reached(tab, network_page):
    root, _ = articles_network()
    steps = backward_steps(root)
    tab.open(network_page.as_uri() + "#step=4")
    assert tab.page.inner_text("[data-step]") == f"step 4 of {len(steps)}"
    unknown = tab.page.eval_on_selector_all(".node.unknown", "els => els.map(e => e.dataset.node)")
    reached = {node_names(root)[s.input] for s in steps[:4]} | {"SSR"}
    assert "b3" in unknown and not reached & set(unknown)
    # data-grad stays the final grad: blanking is only what is drawn
    assert float(tab.page.get_attribute('[data-node="b3"]', "data-grad")) == backward_grads(root)[
        [n for n, name in node_names(root).items() if name == "b3"][0]]


def test_a_gradient_step_moves_b3_as_the_articles_do(tab, tmp_path):
    root, params = articles_network()
    page = explore(root, tmp_path / "b3.html", params=[params["b3"]])
    tab.open(page.as_uri())
    tab.page.fill("[data-lr]", "0.1")
    tab.page.click("[data-descend]")
    backward_grads(root)
    expected = 0.0 - 0.1 * params["b3"].grad  # the articles: 0 - 0.1 x (-15.7) = 1.57
    assert float(tab.page.input_value('input[data-param="b3"]')) == expected
    assert round(expected, 2) == 1.57
    after, _ = articles_network({"b3": expected})
    assert close(float(tab.page.get_attribute('[data-node="SSR"]', "data-value")), after.data)
    assert "→" in tab.page.inner_text("[data-history]")
    assert tab.problems() == []


def test_exercise_marks_a_right_answer_right_and_a_wrong_one_wrong(tab, tmp_path):
    w, x, b = Value(2.0, "w1"), Value(0.5, "x"), Value(-1.0, "b1")
    y = (w * x + b).softplus().relabel("y")
    page = explore(y, tmp_path / "quiz.html")
    quiz = make_questions(y, w)
    tab.open(page.as_uri() + "#exercise")
    assert tab.page.is_visible("[data-quiz]")
    assert tab.page.eval_on_selector('[data-node="w1"] .v-grad', "e => getComputedStyle(e).visibility") == "hidden"
    first = quiz.questions[0]
    box = tab.page.locator(f'input[data-answer="{first.node}"]')
    box.fill(repr(first.expected * 1.2))
    box.press("Enter")
    assert box.get_attribute("data-verdict") == "wrong"
    assert first.hint in tab.page.inner_text("[data-feedback]")
    box.fill(repr(first.expected))
    box.press("Enter")
    assert box.get_attribute("data-verdict") == "right"
    box.press("Enter")  # the next question
    second = quiz.questions[1]
    answer = tab.page.locator(f'input[data-answer="{second.node}"]')
    answer.fill(repr(second.expected * (1 + 0.009)))  # within the practice's 1 %
    answer.press("Enter")
    assert answer.get_attribute("data-verdict") == "right"
    assert tab.problems() == []


def test_an_exercise_opened_by_its_address_shows_the_first_questions_box(tab, network_page):
    # #exercise asks about input*w1[1], far left of the root where the page starts: the box is scrolled to.
    tab.open(network_page.as_uri() + "#exercise")
    first = tab.page.locator("input[data-answer]")
    assert first.get_attribute("data-answer") == "input*w1[1]"
    inside = tab.page.evaluate(
        "() => { var a = document.querySelector('input[data-answer]').getBoundingClientRect();"
        " var v = document.getElementById('graph').getBoundingClientRect();"
        " return a.left >= v.left && a.right <= v.right && a.top >= v.top && a.bottom <= v.bottom; }"
    )
    assert inside
    assert "#exercise" in tab.page.url
    assert tab.problems() == []

# ------------------------------------------------------------------ the page's arithmetic


EXPONENTS = (2.0, 3.0, -1.0, 0.5, 1.7, -2.5)  # x ** n: the op's name carries n ('**2', '**0.5')


def op_examples():
    """(op name as in Value.op, function of Values, number of inputs) for every op in engine's OPS."""
    out = []
    for name, spec in OPS.items():
        if name == POWER:
            out += [(f"**{int(n) if n.is_integer() else n}", lambda a, n=n: a ** n, 1) for n in EXPONENTS]
        else:
            out.append((name, lambda *vs, m=spec.method: getattr(vs[0], m)(*vs[1:]), spec.arity))
    return out


def test_the_pages_op_table_covers_every_op_of_the_engine(math_tab):
    page_ops = set(math_tab.page.evaluate("Object.keys(CG.OPS)"))
    assert page_ops | {POWER} == set(OPS), "an op of engine/ops.py has no rule in viz/page/static/explore-math.js"
    assert all(math_tab.page.evaluate("ops => ops.map(o => CG.rule(o) !== null)", [f"**{n}" for n in EXPONENTS]))


@pytest.fixture(scope="module")
def math_tab(chromium_browser, network_page):
    t = Tab(chromium_browser)
    t.open(network_page.as_uri())
    yield t
    t.page.close()


def test_every_op_computes_as_the_engine_does(math_tab):
    rng = random.Random(12)
    cases = []
    for op, f, arity in op_examples():
        made = 0
        while made < 60:
            xs = [rng.choice([rng.uniform(-5, 5), rng.uniform(-40, 40), rng.uniform(0.01, 3)]) for _ in range(arity)]
            try:
                out = f(*[Value(x) for x in xs])
            except (ValueError, ZeroDivisionError, OverflowError):
                continue  # outside the op's domain: the page's messages are tested apart
            made += 1
            assert out.op == op
            cases.append((op, xs, out.data, list(out.local_grads)))
    for op, f, arity in op_examples():  # far out, where softplus, sigmoid and tanh must stay stable
        for x in (-800.0, -40.0, 40.0, 700.0, 800.0):
            try:
                out = f(*[Value(x)] * arity)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            cases.append((op, [x] * arity, out.data, list(out.local_grads)))
    got = math_tab.page.evaluate(
        "cases => cases.map(c => { var r = CG.rule(c[0])(c[1].map(x => ({data: x, label: null})));"
        " return [r.data, r.locals]; })", [[op, xs] for op, xs, _, _ in cases])
    for (op, xs, data, locals_), (d, ls) in zip(cases, got):
        assert close(d, data), (op, xs, d, data)
        assert all(close(a, b) for a, b in zip(ls, locals_)) and len(ls) == len(locals_), (op, xs, ls, locals_)


MAKERS = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: a.tanh(),
          lambda a, b: a.softplus(), lambda a, b: a.sigmoid(), lambda a, b: (a * 0.5).exp(),
          lambda a, b: a.square(), lambda a, b: a * 3 + 1]


def random_graph(rng: random.Random, n_params: int = 3, size: int = 14) -> tuple[Value, list[Value]]:
    params = [Value(rng.uniform(-2, 2), f"w{k + 1}") for k in range(n_params)]
    pool = list(params) + [Value(rng.uniform(-1, 1), "x")]
    for _ in range(size):
        a, b = rng.choice(pool), rng.choice(pool)
        pool.append(rng.choice(MAKERS)(a, b))
    root = pool[-1]
    for node in pool[-4:-1] + params:  # every parameter in the graph
        root = root + node
    return root, params


def test_random_graphs_at_many_parameter_values_match_the_engine(tab, tmp_path):
    rng = random.Random(5)
    for g in range(4):
        root, params = random_graph(rng)
        page = explore(root, tmp_path / f"g{g}.html", params=params)
        tab.open(page.as_uri())
        for _ in range(12):
            values = [rng.uniform(-3, 3) for _ in params]
            for p, v in zip(params, values):
                p.data = v
            # the engine's numbers at these values: rebuild the graph's forward pass through its ops
            fresh = rebuild(root, {p: v for p, v in zip(params, values)})
            grads = backward_grads(fresh)
            got = tab.page.evaluate(
                "vals => { var D = window.chaingradPage.data, o = {}; D.params.forEach((i, j) => o[i] = vals[j]);"
                " var r = CG.evaluate(D.nodes, o); return [r.data, r.grad]; }", values)
            order = topological_order(fresh)
            for i, node in enumerate(order):
                assert close(got[0][i], node.data), (g, i, got[0][i], node.data)
                assert close(got[1][i], grads[node]), (g, i, got[1][i], grads[node])
    assert tab.problems() == []


def rebuild(root: Value, values: dict[Value, float]) -> Value:
    """The graph of ``root`` made again through the engine's ops, with ``values`` for some leaves."""
    made: dict[Value, Value] = {}
    for node in topological_order(root):
        if not node.inputs:
            made[node] = Value(values.get(node, node.data), node.label) if not node.is_constant else node
            continue
        ins = [made[i] for i in node.inputs]
        op = node.op
        if op in ("+", "-", "*", "/"):
            a, b = ins
            out = a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b
        elif op == "neg":
            out = -ins[0]
        elif op == "**":
            out = ins[0] ** ins[1]
        elif op.startswith("**"):
            out = ins[0] ** float(op[2:])
        else:
            out = getattr(ins[0], op)()
        made[node] = out.relabel(node.label)
    return made[root]


# ------------------------------------------------------------------ number formats


def test_the_pages_number_formats_are_pythons(math_tab):
    from engine.format import format_number
    from viz.chainrule.numbers import fmt
    from viz.page.svg_markup import js_number

    rng = random.Random(3)
    xs = [0.0, -0.0, 1.0, -1.0, 0.5, 1.125, 2.5, 0.125, 12344.5, 12345.5, 99999.5, 1e-7, 1e-5, 1.5e-7, 1e16, 1e21,
          123456789012345680.0, 9.9995, 0.00012345, -15.66, 5e-324, 1.7976931348623157e308, 2.675, 0.0625]
    xs += [rng.uniform(-1, 1) * 10 ** rng.randint(-9, 17) for _ in range(400)]
    xs += [round(rng.uniform(-100, 100), rng.randint(0, 4)) for _ in range(200)]  # short decimals: ties
    got = math_tab.page.evaluate(
        "xs => xs.map(x => [String(x), CG.pyRepr(x), [1,2,3,4,6].map(p => CG.fmt(x, p)),"
        " [2,3,4].map(d => CG.formatNumber(x, d))])", xs)
    for x, (js, py, fmts, nums) in zip(xs, got):
        assert js == js_number(x), x
        assert py == repr(x), x
        assert fmts == [fmt(x, p) for p in (1, 2, 3, 4, 6)], x
        assert nums == [format_number(x, d) for d in (2, 3, 4)], x
    assert json.loads(json.dumps(xs)) == xs


def test_the_slider_and_buttons_move_the_step_and_stop_at_the_ends(tab, network_page):
    root, _ = articles_network()
    steps = backward_steps(root)
    names = node_names(root)
    n = len(steps)
    tab.open(network_page.as_uri())
    page = tab.page
    assert page.is_disabled("[data-prev]") and not page.is_disabled("[data-next]")
    page.eval_on_selector("[data-step-slider]", "s => { s.value = '3'; s.dispatchEvent(new Event('input')); }")
    assert page.inner_text("[data-step]") == f"step 3 of {n}"
    assert page.inner_text("[data-equation]") == step_equation(steps[2], names, root, digits=3, times="×")
    assert page.evaluate("location.hash") == "#step=3"
    # up, down and Page Up/Down are left to scroll the graph: they do not step
    for key in ("ArrowDown", "PageDown", "ArrowUp", "PageUp"):
        page.keyboard.press(key)
        assert page.inner_text("[data-step]") == f"step 3 of {n}", key
    page.click("[data-prev]")
    assert page.inner_text("[data-step]") == f"step 2 of {n}"
    page.keyboard.press("End")
    assert page.is_disabled("[data-next]")
    # a link past the end opens the last step
    tab.open(network_page.as_uri() + "#step=99999")
    assert tab.page.inner_text("[data-step]") == f"step {n} of {n}"
    assert tab.problems() == []


IN_VIEW = (
    "names => { var v = document.getElementById('graph').getBoundingClientRect();"
    " return names.map(n => { var r = document.querySelector('[data-node=\"' + n + '\"]').getBoundingClientRect();"
    " return r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom; }); }"
)
# The graph's width on the page over its drawn width (1 unless zoomed).
ZOOM = ("() => { var s = document.querySelector('#graph svg');"
        " return s.getBoundingClientRect().width / s.width.baseVal.value; }")


def test_each_step_brings_its_boxes_into_view(tab, network_page):
    # The graph is wider than its frame: the page opens on its leaves, a step shows its two boxes.
    tab.open(network_page.as_uri())
    page = tab.page
    in_view = IN_VIEW
    assert page.eval_on_selector("#graph", "g => g.scrollWidth > g.clientWidth")
    assert page.evaluate(in_view, ["SSR"]) == [False]
    root, _ = articles_network()
    steps = backward_steps(root)
    names = node_names(root)
    for k in (1, 30, len(steps)):
        page.eval_on_selector("[data-step-slider]", f"s => {{ s.value = '{k}'; s.dispatchEvent(new Event('input')); }}")
        s = steps[k - 1]
        assert page.evaluate(in_view, [names[s.consumer], names[s.input]]) == [True, True], k
        classes = page.eval_on_selector_all(".s-consumer, .s-receiver", "els => els.map(e => e.dataset.node)")
        assert sorted(classes) == sorted({names[s.consumer], names[s.input]})
    page.keyboard.press("Home")  # back at the start: the root, whose grad the start sets to 1
    assert page.evaluate(in_view, ["SSR"]) == [True]


# Window width -> how the articles' page (drawn 2139 px wide) opens: too wide to fit at a readable
# scale (edge labels >= 10 px: zoom >= 0.7) at 1280, so at full size on its leaves; fitted at 1920.
OPENINGS = [
    (1280, 860, "leaves"),
    (900, 700, "leaves"),
    (1920, 1080, "fit"),
]


@pytest.mark.parametrize(("width", "height", "how"), OPENINGS)
def test_the_page_opens_readable_on_the_start_of_the_graph(chromium_browser, network_page, width, height, how):
    tab = Tab(chromium_browser, width=width, height=height)
    try:
        tab.open(network_page.as_uri())
        page = tab.page
        frame = page.eval_on_selector("#graph", "g => [g.scrollLeft, g.scrollTop, g.scrollWidth, g.clientWidth]")
        zoom = page.evaluate(ZOOM)
        if how == "fit":  # the whole width, root included, at a readable scale
            assert frame[2] <= frame[3] and 0.7 <= zoom < 1
            assert page.evaluate(IN_VIEW, ["SSR", "w1", "input[1]"]) == [True, True, True]
        else:  # full size, from the top left corner: the leaves where the forward pass starts
            assert frame[:2] == [0, 0] and frame[2] > frame[3] and abs(zoom - 1) < 1e-3
            assert page.evaluate(IN_VIEW, ["input[2]", "w1", "SSR"]) == [True, True, False]
        assert tab.problems() == []
    finally:
        tab.page.close()


def test_a_small_graph_opens_whole_at_its_own_size(tab, tmp_path):
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    y = (a * b).tanh().relabel("y")
    tab.open(explore(y, tmp_path / "small.html").as_uri())
    assert abs(tab.page.evaluate(ZOOM) - 1) < 1e-3  # not blown up to the frame's width
    assert tab.page.eval_on_selector("#graph", "g => g.scrollWidth <= g.clientWidth")
    assert tab.page.evaluate(IN_VIEW, ["a", "b", "y"]) == [True, True, True]


def test_the_pages_fsum_and_isclose_are_pythons(math_tab):
    rng = random.Random(8)
    lists = [[rng.uniform(-1, 1) * 10 ** rng.randint(-20, 20) for _ in range(rng.randint(0, 9))] for _ in range(300)]
    lists += [[1e100, 1.0, -1e100], [0.1] * 10, [1.0, 1e-16, 1e-16], [2.0 ** 53, 1.0, -(2.0 ** 53)], [-0.0, 0.0]]
    got = math_tab.page.evaluate("ls => ls.map(l => CG.fsum(l))", lists)
    assert [float(x) for x in got] == [math.fsum(xs) for xs in lists]
    pairs = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(100)]
    pairs += [(x, x * (1 + d)) for x in (1.0, -3.0, 1e-13, 0.0) for d in (1e-10, 1e-9, 2e-9, 1e-8)]
    pairs += [(0.0, 1e-12), (0.0, 2e-12)]
    got = math_tab.page.evaluate("ps => ps.map(p => CG.isclose(p[0], p[1], 1e-9, 1e-12))", pairs)
    assert got == [math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in pairs]
    assert math_tab.page.evaluate("[CG.isclose(Infinity, Infinity, 1e-9, 0), CG.isclose(Infinity, 1, 1e-9, 0),"
                                  " CG.isclose(NaN, NaN, 1e-9, 0)]") == [
        math.isclose(math.inf, math.inf), math.isclose(math.inf, 1.0), math.isclose(math.nan, math.nan)]


def test_a_leaf_keeps_only_the_steps_on_its_paths(tab, tmp_path):
    root, params = articles_network()
    page = explore(root, tmp_path / "b3.html", params=list(params.values()), leaf="b3")
    steps = backward_steps(root, leaf=params["b3"])
    names = node_names(root)
    tab.open(page.as_uri() + "#step=13")
    assert tab.page.inner_text("[data-step]") == f"step 13 of {len(steps)}" == "step 13 of 13"
    assert tab.page.inner_text("[data-equation]") == step_equation(steps[-1], names, root, digits=3, times="×")
    assert "b3 is now final" in tab.page.inner_text("[data-detail]")
    assert tab.problems() == []

"""The explorer page as written (no browser): its arguments, its data, its drawing's mark-up, its size.

What the page does is checked in a real browser in test_explore_browser.py.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from contextlib import redirect_stdout
from html.parser import HTMLParser

import pytest

from demos.network import articles_network
from engine import Value, topological_order
from tests.articles import network
from tests.helpers import backward_grads
from viz import GraphTooLargeError
from viz.chainrule.explanation import explain
from viz.chainrule.names import node_names
from viz.cli.command import main as viz_main
from viz.page.data import page_data
from viz.page.explorer import explore, explore_html
from viz.page.svg_markup import GraphText, js_number, mark_up

MB = 1_000_000


def small():
    w, x, b = Value(2.0, "w1"), Value(0.5, "x"), Value(-1.0, "b1")
    y = (w * x + b).softplus().relabel("y")
    return y, w, x, b


def page_json(page: str) -> dict:
    return json.loads(re.search(r'id="chaingrad-data">(.*?)</script>', page, re.DOTALL).group(1))


# ------------------------------------------------------------------ bad arguments, as data

y, w, x, b = small()
unlabelled = Value(1.0)
other = Value(1.0, "w9")
BAD = [
    # (arguments, keyword arguments, error, message)
    ((3,), {}, TypeError, "explore: root must be an engine Value, got int"),
    ((y,), {"params": [1.0]}, TypeError, "explore: params must hold Values, got float"),
    ((y,), {"params": [other]}, ValueError, r"explore: the parameter Value\(label='w9'.* is not in the graph"),
    ((y,), {"params": [y]}, ValueError, "explore: the parameter .* is not a leaf made by the user"),
    ((unlabelled * 2,), {"params": [unlabelled]}, ValueError, "explore: the parameter .* has no label"),
    ((y,), {"leaf": "w5"}, ValueError, "explore: no node named 'w5'; did you mean 'w1'?"),
    ((y,), {"leaf": 2}, TypeError, "explore: leaf must be a Value or a label, got int"),
    ((y,), {"precision": 0}, ValueError, "explore: precision must be an int between 1 and 17, got 0"),
    ((y,), {"precision": True}, ValueError, "explore: precision must be an int between 1 and 17"),
    ((y,), {"max_nodes": 0}, ValueError, "explore: max_nodes must be an int >= 1, got 0"),
    ((y,), {"max_paths": 1.5}, ValueError, "explore: max_paths must be an int >= 1, got 1.5"),
    ((y,), {"title": None}, TypeError, "explore: title must be a str, got NoneType"),
    ((y,), {"compact": "yes"}, TypeError, "explore: compact must be True or False, got str 'yes'"),
    ((y,), {"max_nodes": 3}, GraphTooLargeError, "draw: the graph has 6 value nodes, more than max_nodes=3"),
    (((Value(1e-200, "b") ** -1) * 1e200,), {}, ValueError,
     r"explore: the local derivative of '\*\*-1#1' with respect to 'b' is -inf; the page needs"),
    (((Value(1e-300, "b") * 1e200) * 1e200,), {}, ValueError,
     r"explore: the grad of 'b' is inf \(the backward pass leaves the float range at b: d\(\*#4\)/db \+= "
     r"d\(\*#4\)/d\(\*#2\) × d\(\*#2\)/db = 1e\+200 × 1e\+200\); the page needs"),
    (((Value(1e200, "b") * 1e200).relabel("y"),), {}, ValueError,
     r"explore: the value of 'y' is inf \(\* of 1e\+200, 1e\+200 is beyond the float range\); the page needs"),
]


@pytest.mark.parametrize("args, kwargs, error, message", BAD, ids=[m[:40] for *_, m in BAD])
def test_bad_arguments_are_refused_clearly(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        explore_html(*args, **kwargs)


def test_a_missing_directory_or_a_path_that_is_none_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="explore: cannot write .* the directory .* does not exist"):
        explore(small()[0], tmp_path / "no" / "page.html")
    with pytest.raises(TypeError, match="explore: path must be a str or a Path, got NoneType"):
        explore(small()[0], None)  # type: ignore[arg-type]


# ------------------------------------------------------------------ the page


class Audit(HTMLParser):
    """What a page would fetch or run: src/href values, ids, the script elements' attributes."""

    def __init__(self):
        super().__init__()
        self.refs, self.ids, self.scripts, self.tags = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        for key in ("src", "href", "xlink:href", "srcset", "poster", "action", "data"):
            if attrs.get(key) is not None:
                self.refs.append((tag, key, attrs[key]))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "script":
            self.scripts.append(attrs)


@pytest.fixture(scope="module")
def network_page(tmp_path_factory):
    root, params = articles_network()
    path = explore(root, tmp_path_factory.mktemp("page") / "index.html", params=list(params.values()))
    return root, params, path, path.read_text(encoding="utf-8")


def test_the_page_is_self_contained(network_page):
    *_, page = network_page
    audit = Audit()
    audit.feed(page)
    for tag, key, value in audit.refs:  # nothing to fetch: in-page fragments and data: URLs only
        assert value.startswith(("#", "data:")), (tag, key, value)
    assert audit.scripts and all("src" not in attrs for attrs in audit.scripts)
    for forbidden in ('<link rel="stylesheet', "@import", "@font-face", "<iframe", "<img", "//fonts.", "fetch(",
                      "XMLHttpRequest", "import(", "http://", "https://"):
        if forbidden.startswith("http"):  # only the SVG namespace's URIs, which are names, not fetched
            assert set(re.findall(r"https?://[^\"' ]+", page)) <= {"http://www.w3.org/2000/svg",
                                                                    "http://www.w3.org/1999/xlink"}
        else:
            assert forbidden not in page
    assert len(audit.ids) == len(set(audit.ids))
    assert audit.tags.count("svg") == 1  # one drawing


def test_the_network_page_is_small(network_page):
    root, params, path, page = network_page
    size = path.stat().st_size
    assert size <= 1 * MB, size
    # one drawing: the page is not much more than the drawing's own SVG
    svg = re.search(r"<svg.*</svg>", page, re.DOTALL).group(0)
    assert len(page.encode()) < 2.5 * len(svg.encode())


def test_every_box_carries_its_name_and_numbers(network_page):
    root, params, path, page = network_page
    grads = backward_grads(root)
    names = node_names(root)
    boxes = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(
        r'data-node="([^"]*)" data-index="\d+" data-value="([^"]*)" data-grad="([^"]*)"', page)}
    assert len(boxes) == len(names)
    for node, name in names.items():
        value, grad = boxes[html.escape(name, quote=True)]
        assert float(value) == node.data and float(grad) == grads[node]
        assert value == js_number(node.data)
    edges = re.findall(r'data-edge="(\d+):(\d+)" data-local="([^"]*)"', page)
    order = topological_order(root)
    assert len(edges) == sum(len(n.inputs) for n in order)
    for c, k, local in edges:
        assert float(local) == order[int(c)].local_grads[int(k)]
    assert page.count('tabindex="0"') == len(names)  # every box can be reached with Tab


def test_every_box_shows_the_name_the_steps_use(network_page):
    # The steps say dpredicted[1]/db3: the box of that node must read predicted[1], not predicted.
    root, params, path, page = network_page
    shown = {}
    for m in re.finditer(r'<g id="node\d+" class="node value" data-node="([^"]*)".*?</g>', page, re.DOTALL):
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", m.group(0))
        shown[html.unescape(m.group(1))] = [html.unescape(t) for t in texts]
    assert len(shown) == len(node_names(root))
    for node, name in node_names(root).items():
        if node.label is not None:
            assert name in shown[name], (name, shown[name])
    assert "predicted[1]" in shown["predicted[1]"] and "x1[3]" in shown["x1[3]"]

def test_text_that_could_break_the_page_is_escaped():
    nasty = '</script><script>alert(1)</script> & <b>'
    w = Value(2.0, "w1")
    z = (w * 3).relabel(nasty)
    page = explore_html(z, title=nasty, subtitle=nasty)
    assert page.count("</script>") == 2  # the data block and the script: nothing closed early
    assert "<script>alert" not in page
    data = page_json(page)
    assert data["nodes"][-1]["name"] == nasty and data["title"] == nasty


# ------------------------------------------------------------------ the data


def test_explanations_hold_explains_factors_and_their_edges():
    root, params = articles_network()
    data, _ = page_data(root, params=list(params.values()))
    order = topological_order(root)
    names = node_names(root)
    for i, node in enumerate(order):
        e = explain(root, node, names=names)  # the boxes' names: dsq[1]/dresidual[1]
        model = data["explanations"][i]
        assert model["header"] == str(e).split("\n")[: str(e).split("\n").index("")]
        assert len(model["paths"]) == len(e.paths)
        for path, chain in zip(model["paths"], e.paths):
            locals_ = [order[c].local_grads[k] for c, k in path["edges"]]
            assert math.prod(locals_) == chain.product
            at = 0
            for f, factor in zip(path["factors"], chain.factors):
                assert (f["name"], f["formula"], f["steps"]) == (factor.name, factor.formula, factor.steps)
                assert math.prod(locals_[at: at + f["steps"]]) == factor.value
                at += f["steps"]


def test_the_panels_paths_use_the_boxes_names_and_spell_out_unlabelled_nodes():
    root, params = network()  # the residual observed - predicted has no label here
    data, _ = page_data(root, params=list(params.values()))
    w1 = topological_order(root).index(params["w1"])
    for k, path in enumerate(data["explanations"][w1]["paths"], start=1):
        assert [(f["name"], f["formula"]) for f in path["factors"]] == [
            (f"dSSR/dpredicted[{k}]", f"-2·(observed[{k}] - predicted[{k}])"),
            (f"dpredicted[{k}]/dy1[{k}]", "w3"),
            (f"dy1[{k}]/dx1[{k}]", f"sigmoid(x1[{k}])"),
            (f"dx1[{k}]/dw1", f"input[{k}]"),
        ]


def test_a_node_with_too_many_paths_says_so():
    x = Value(1.0, "x")
    y = x
    for _ in range(7):  # 2^7 paths from x
        y = (y + y)
    data, _ = page_data(y, max_paths=64)
    assert "there are 128 paths" in data["explanations"][0]["error"]


def test_params_default_to_leaves_labelled_like_parameters():
    y, w, x, b = small()
    data, _ = page_data(y)
    names = [data["nodes"][i]["name"] for i in data["params"]]
    assert names == ["w1", "b1"]  # x is an input


# ------------------------------------------------------------------ the drawing's mark-up

JS_NUMBERS = [  # what JavaScript's String(x) writes (checked against the browser too)
    (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-2.5, "-2.5"), (0.1, "0.1"), (1e-5, "0.00001"), (1e-6, "0.000001"),
    (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1e16, "10000000000000000"), (1e20, "100000000000000000000"),
    (1e21, "1e+21"), (1.2345e22, "1.2345e+22"), (123456789.125, "123456789.125"), (5e-324, "5e-324"),
    (1.7976931348623157e308, "1.7976931348623157e+308"), (float("inf"), "Infinity"), (float("nan"), "NaN"),
]


@pytest.mark.parametrize("x, text", JS_NUMBERS)
def test_js_number_is_javascripts_shortest_form(x, text):
    assert js_number(x) == text


def test_mark_up_refuses_a_drawing_of_another_graph():
    from viz.graph.draw import draw
    from viz.graph.render import to_svg

    y, *_ = small()
    _, graph = page_data(y)
    svg = to_svg(draw((Value(1.0, "a") + Value(2.0, "b")).relabel("c"), compact=True))
    with pytest.raises(RuntimeError, match="explore: "):
        mark_up(svg, graph)
    empty = GraphText(names=[], data=[], grads=[], constant=[], edges=[], inputs=[], locals_=[])
    with pytest.raises(RuntimeError, match="explore: "):
        mark_up(to_svg(draw(y, compact=True)), empty)


def test_op_ovals_are_marked_too():
    y, w, *_ = small()
    page = explore_html(y, compact=False)
    assert page.count('class="node op"') == 3 and 'data-edge="' in page


# ------------------------------------------------------------------ python -m viz --html


def test_the_command_line_writes_the_page(tmp_path):
    out = io.StringIO()
    target = tmp_path / "y.html"
    with redirect_stdout(out):
        status = viz_main(["softplus(x*w1 + b1)", "--set", "x=0.5", "w1=3.34", "b1=-1.43", "--html", str(target)])
    assert status == 0 and out.getvalue() == f"wrote {target}\n"
    data = page_json(target.read_text(encoding="utf-8"))
    assert [data["nodes"][i]["name"] for i in data["params"]] == ["w1", "b1"]


def test_the_command_line_names_a_bad_page_path(tmp_path, capsys):
    status = viz_main(["x*2", "--set", "x=1", "--html", str(tmp_path / "no" / "y.html")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "python -m viz: error: explore: cannot write" in err


def test_the_pages_files_go_into_the_wheel():
    import tomllib
    from fnmatch import fnmatch
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["viz.page"]
    page = root / "viz" / "page"
    static = sorted(p.relative_to(page).as_posix() for p in (page / "static").iterdir())
    assert static and all(any(fnmatch(name, pat) for pat in patterns) for name in static), (static, patterns)


def test_viz_explore_is_the_function():
    import viz

    y, *_ = small()
    assert callable(viz.explore) and "explore" in viz.__all__
    assert viz.explore.__module__ == "viz.page.explorer"


def test_the_page_is_the_same_every_time():
    y, *_ = small()
    assert explore_html(y) == explore_html(y)


def test_the_exercise_asks_the_practice_questions(network_page):
    from viz.practice.questions import make_questions

    root, params, path, page = network_page
    quizzes = page_json(page)["quizzes"]
    assert [q["param"] for q in quizzes] == list(params)
    for quiz, p in zip(quizzes, params.values()):
        asked = make_questions(root, p)
        assert [(q["id"], q["prompt"], q["expected"], q["hint"]) for q in quiz["questions"]] == [
            (q.id, q.prompt, q.expected, q.hint) for q in asked.questions]
        assert all((q["rel"], q["abs"]) == (asked.questions[0].tolerance.rel, asked.questions[0].tolerance.abs)
                   for q in quiz["questions"])

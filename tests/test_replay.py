"""The replay of backward: its steps against backward() itself, hand formulas and the articles."""

from __future__ import annotations

import io
import math
import random

import pytest

from demos.network import articles_network, name_terms
from demos.replay import INPUTS, OBSERVED, find_node, main
from engine import Value, topological_order
from engine.backward_steps import backward_steps, grads_after, nodes_on_paths, start_grads
from engine.format import format_number
from tests.helpers import backward_grads
from viz.chainrule.names import node_names
from viz.replay.step_text import print_replay, replay_lines, step_equation

# ------------------------------------------------------------------ helpers


def random_graph(rng: random.Random, n_leaves: int = 4, n_ops: int = 25) -> Value:
    """A random expression DAG: shared subexpressions, repeated inputs (a*a), constants, dead relus."""
    nodes = [Value(rng.uniform(-2, 2), f"l{k}") for k in range(n_leaves)]
    for _ in range(n_ops):
        a, b = rng.choice(nodes), rng.choice(nodes)
        kind = rng.randrange(12)
        if kind == 0:
            out = a + b
        elif kind == 1:
            out = a - b
        elif kind == 2:
            out = a * b
        elif kind == 3:
            out = a * a  # one input, two edges
        elif kind == 4:
            out = a / (b.square() + 1.0)
        elif kind == 5:
            out = a.tanh()
        elif kind == 6:
            out = a.sigmoid()
        elif kind == 7:
            out = a.softplus()
        elif kind == 8:
            out = a.relu()  # often 0 upstream below it: backward skips those consumers
        elif kind == 9:
            out = 2.5 * a  # a constant leaf
        elif kind == 10:
            out = (a.tanh() * 0.5).exp()
        else:
            out = -a
        nodes.append(out)
    # Sum a few late nodes so that the root depends on much of the graph.
    root = nodes[-1]
    for extra in nodes[-6:-1]:
        root = root + extra
    return root


def replayed_final(root: Value, steps, **kw) -> dict:
    return grads_after(root, steps, len(steps), **kw)


# ------------------------------------------------------------------ against backward()


@pytest.mark.parametrize("seed", range(40))
def test_last_values_equal_backward_exactly_on_random_graphs(seed):
    rng = random.Random(seed)
    root = random_graph(rng)
    steps = backward_steps(root)
    final = replayed_final(root, steps)
    expected = backward_grads(root)
    assert set(final) == set(expected)  # every node of the graph is reached
    for node, grad in expected.items():
        assert final[node] == grad, (node, final[node], grad)


def test_articles_network_equals_backward_for_every_node():
    root, params = articles_network()
    steps = backward_steps(root)
    final = replayed_final(root, steps)
    expected = backward_grads(root)
    assert final == expected


def test_articles_network_db3_is_the_published_gradient():
    # Published (Backpropagation Main Ideas): at w1..w4, b1, b2 = the optimum and b3 = 0,
    # dSSR/db3 = -15.7 (rounded as published).
    root, params = articles_network()
    final = replayed_final(root, backward_steps(root))
    assert round(final[params["b3"]], 1) == -15.7


def test_articles_network_db3_matches_the_hand_formula():
    # dSSR/db3 = sum_i -2 (observed_i - predicted_i), predicted from the network's formulas.
    p = {"w1": 3.34, "b1": -1.43, "w2": -3.53, "b2": 0.57, "w3": -1.22, "w4": -2.30, "b3": 0.61}
    root, params = articles_network(p)
    sp = lambda x: math.log(1.0 + math.exp(x))  # noqa: E731
    hand = 0.0
    for i, o in zip(INPUTS, OBSERVED):
        pred = sp(i * p["w1"] + p["b1"]) * p["w3"] + sp(i * p["w2"] + p["b2"]) * p["w4"] + p["b3"]
        hand += -2.0 * (o - pred)
    final = replayed_final(root, backward_steps(root))
    assert final[params["b3"]] == pytest.approx(hand, rel=1e-12)


def test_articles_network_grads_match_the_hand_chain_rule():
    # Every parameter's dSSR/dparam, written out by hand as the articles do: per data point
    # dSSR/dpredicted = -2 (observed - predicted), then the chain rule down each neuron.
    p = {"w1": 2.74, "b1": 0.1, "w2": -1.13, "b2": 0.2, "w3": 0.36, "w4": 0.63, "b3": 0.5}
    root, params = articles_network(p)
    sp = lambda x: math.log(1.0 + math.exp(x))  # noqa: E731
    sig = lambda x: 1.0 / (1.0 + math.exp(-x))  # noqa: E731
    hand = dict.fromkeys(p, 0.0)
    for i, o in zip(INPUTS, OBSERVED):
        x1, x2 = i * p["w1"] + p["b1"], i * p["w2"] + p["b2"]
        pred = sp(x1) * p["w3"] + sp(x2) * p["w4"] + p["b3"]
        d_pred = -2.0 * (o - pred)
        hand["b3"] += d_pred
        hand["w3"] += d_pred * sp(x1)
        hand["w4"] += d_pred * sp(x2)
        hand["b1"] += d_pred * p["w3"] * sig(x1)
        hand["w1"] += d_pred * p["w3"] * sig(x1) * i
        hand["b2"] += d_pred * p["w4"] * sig(x2)
        hand["w2"] += d_pred * p["w4"] * sig(x2) * i
    final = replayed_final(root, backward_steps(root))
    for name, value in hand.items():
        assert final[params[name]] == pytest.approx(value, rel=1e-12, abs=1e-12), name


def test_the_replay_runs_on_the_graph_nn_trains():
    # The replay adds names, nothing else: node for node, the same ops and numbers as
    # nn.statquest's network under nn's SSR (the graph gradient descent uses).
    from nn import statquest

    model = statquest.network({"b3": 0.0})
    trained = statquest.loss(model)
    root, params = articles_network()
    assert [(n.op, n.data) for n in topological_order(root)] == [
        (n.op, n.data) for n in topological_order(trained)
    ]
    assert [name for name, _ in model.named_parameters()] == list(params)


def test_name_terms_names_every_node_as_the_articles_do():
    root, params = articles_network()
    names = node_names(root)
    order = topological_order(root)
    # Every node has a label now: no fallback names like "*#3" in the text.
    assert all(n.label is not None for n in order)
    per_point = ["input", "x1", "y1", "x2", "y2", "input*w1", "input*w2", "y1w3", "y2w4",
                 "y1w3+y2w4", "predicted", "observed", "residual", "sq"]
    expected = set(params) | {"SSR", "sq[1]+sq[2]"} | {f"{n}[{k}]" for n in per_point for k in (1, 2, 3)}
    assert set(names.values()) == expected
    by_name = {name: node for node, name in names.items()}
    for k, (dose, obs) in enumerate(zip(INPUTS, OBSERVED), 1):
        # residual = observed - predicted and sq = residual^2, per data point
        residual = by_name[f"residual[{k}]"]
        assert residual.op == "-" and residual.inputs == (by_name[f"observed[{k}]"], by_name[f"predicted[{k}]"])
        assert by_name[f"observed[{k}]"].data == obs and by_name[f"input[{k}]"].data == dose
        assert by_name[f"sq[{k}]"].inputs == (residual,)
        assert by_name[f"y1w3[{k}]"].inputs == (by_name[f"y1[{k}]"], params["w3"])
    assert by_name["sq[1]+sq[2]"].inputs == (by_name["sq[1]"], by_name["sq[2]"])
    assert root.inputs == (by_name["sq[1]+sq[2]"], by_name["sq[3]"])


def test_name_terms_keeps_existing_labels_and_leaves_other_graphs_alone():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    prod = a * b  # no pattern of the articles: stays unlabelled
    mine = (a * b).relabel("mine")
    root = (prod + mine).relabel("root")
    assert name_terms(root) is root
    assert [n.label for n in topological_order(root)] == ["a", "b", None, "mine", "root"]


def test_replay_does_not_change_any_grad():
    root = random_graph(random.Random(7))
    rng = random.Random(8)
    for node in topological_order(root):
        node.grad = rng.uniform(-9, 9)  # garbage the replay must leave alone
    before = {node: node.grad for node in topological_order(root)}
    backward_steps(root)
    backward_steps(root, accumulate=True)
    assert {node: node.grad for node in topological_order(root)} == before


def test_accumulate_starts_leaves_from_their_current_grad_like_backward():
    root = random_graph(random.Random(11))
    rng = random.Random(12)
    for node in topological_order(root):
        if node.is_leaf:
            node.grad = rng.uniform(-3, 3)
    steps = backward_steps(root, accumulate=True)
    final = replayed_final(root, steps, accumulate=True)
    root.backward()  # no zero_grad: leaves accumulate onto what they hold
    for node in topological_order(root):
        assert final[node] == node.grad


# ------------------------------------------------------------------ structure of the steps


def test_small_graph_steps_by_hand():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    ab = (a * b).relabel("ab")
    c = (ab + a).relabel("c")
    steps = backward_steps(c)
    got = [(s.consumer, s.input, s.edge, s.local_grad, s.upstream, s.before, s.after, s.final) for s in steps]
    # c = ab + a: dc/dab = 1, dc/da = 1; then ab = a*b: dab/da = b, dab/db = a.
    assert got == [
        (c, ab, 0, 1.0, 1.0, 0.0, 1.0, True),
        (c, a, 1, 1.0, 1.0, 0.0, 1.0, False),
        (ab, a, 0, b.data, 1.0, 1.0, 1.0 + b.data, True),
        (ab, b, 1, a.data, 1.0, 0.0, a.data, True),
    ]


def test_repeated_input_gives_two_steps_and_the_second_is_final():
    a = Value(1.5, "a")
    sq = (a * a).relabel("sq")
    steps = backward_steps(sq)
    assert [(s.input, s.edge, s.final) for s in steps] == [(a, 0, False), (a, 1, True)]
    assert steps[1].after == 2 * a.data  # d(a*a)/da = 2a


@pytest.mark.parametrize("seed", range(10))
def test_order_finality_and_upstream(seed):
    root = random_graph(random.Random(100 + seed))
    steps = backward_steps(root)
    interior = topological_order(root, include_leaves=False)
    # Consumers come in reverse topological order, each with its inputs in order.
    expected_edges = [(n, k) for n in reversed(interior) for k in range(len(n.inputs))]
    assert [(s.consumer, s.edge) for s in steps] == expected_edges
    for s in steps:
        assert s.input is s.consumer.inputs[s.edge]
        assert s.local_grad == s.consumer.local_grads[s.edge]
    # Exactly one final step per node below the root, and it is that node's last step.
    last = {}
    for k, s in enumerate(steps):
        last[s.input] = k
    finals = [k for k, s in enumerate(steps) if s.final]
    assert sorted(finals) == sorted(last.values())
    assert root not in last
    # A consumer passes on its final grad: no step into it comes after its own steps begin.
    first_as_consumer = {}
    for k, s in enumerate(steps):
        first_as_consumer.setdefault(s.consumer, k)
    known = start_grads(root)
    for s in steps:
        assert last.get(s.consumer, -1) < first_as_consumer[s.consumer]
        assert s.upstream == known[s.consumer]
        known[s.input] = s.after


def test_zero_upstream_steps_are_listed_and_add_nothing():
    x = Value(-1.0, "x")
    h = (x * 2.0).relabel("h")
    dead = h.relu().relabel("dead")  # relu(-2) = 0 and d(dead)/dh = 0, so h's grad is 0
    root = (dead * 3.0 + x).relabel("root")
    steps = backward_steps(root)
    zero = [s for s in steps if s.upstream == 0.0]
    assert [(s.consumer, s.input) for s in zero] == [(h, x), (h, h.inputs[1])]
    for s in zero:
        assert s.after == s.before
    assert replayed_final(root, steps) == backward_grads(root)


def test_a_leaf_root_has_no_steps_and_grad_one():
    x = Value(4.0, "x")
    assert backward_steps(x) == []
    assert start_grads(x) == {x: 1.0}
    x.grad = 2.0
    assert start_grads(x, accumulate=True) == {x: 3.0}  # backward(): x.grad += 1


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="backward_steps: root must be a Value"):
        backward_steps(3.0)
    root = Value(1.0, "a") * 2
    with pytest.raises(ValueError, match="leaf 'stranger' is not in the graph"):
        backward_steps(root, leaf=Value(1.0, "stranger"))
    with pytest.raises(ValueError, match="count must be in 0..2"):
        grads_after(root, backward_steps(root), 3)


# ------------------------------------------------------------------ paths from one leaf


@pytest.mark.parametrize("name", ["w1", "b3", "w4", "x1[2]"])
def test_leaf_filter_keeps_the_full_numbers_on_the_paths(name):
    root, params = articles_network()
    leaf = find_node(root, name)
    full = backward_steps(root)
    some = backward_steps(root, leaf=leaf)
    on = set(nodes_on_paths(root, leaf))
    assert some == [s for s in full if s.input in on]
    assert some[-1].input is leaf and some[-1].final
    assert some[-1].after == backward_grads(root)[leaf]


def test_nodes_on_paths_by_hand():
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    ab = (a * b).relabel("ab")
    root = (ab + c).relabel("root")
    assert nodes_on_paths(root, a) == [a, ab, root]
    assert nodes_on_paths(root, c) == [c, root]


# ------------------------------------------------------------------ names and text


def test_node_names_are_unique_and_number_repeated_labels():
    root, _ = articles_network()
    names = node_names(root)
    assert len(set(names.values())) == len(names)
    assert names[root] == "SSR"
    assert sorted(n for n in names.values() if n.startswith("x1")) == ["x1[1]", "x1[2]", "x1[3]"]
    # Repeated labels are numbered in topological order.
    w = Value(2.0, "w")
    xs = [(w * k).relabel("x") for k in (1.0, 2.0, 3.0)]
    total = ((xs[0] + xs[1]).relabel("s") + xs[2]).relabel("t")
    names = node_names(total)
    assert [names[x] for x in xs] == ["x[1]", "x[2]", "x[3]"]
    anon = Value(2.0) * Value(3.0)
    assert sorted(node_names(anon).values()) == ["*#2", "leaf#0", "leaf#1"]
    assert "0.5" in node_names(Value(1.0, "a") * 0.5).values()  # constants by their number
    x = Value(1.0, "x")
    twice = (x * 2 + x * 2).relabel("t")  # two constants 2, and nodes without labels
    names = node_names(twice)
    assert len(set(names.values())) == len(names) == len(topological_order(twice))
    order = topological_order(twice)
    assert [names[n] for n in order if n.is_constant] == [f"2#{i}" for i, n in enumerate(order) if n.is_constant]


def test_format_number():
    assert format_number(-4.703125) == "-4.703"
    assert format_number(0.0) == format_number(-0.0) == "0"
    assert format_number(1e-7) == "1e-07"
    assert format_number(2.0, 3) == "2"


def test_step_equation_reads_as_the_chain_rule():
    root, params = articles_network()
    steps = backward_steps(root, leaf=params["w3"])
    names = node_names(root)
    s = steps[-1]
    text = step_equation(s, names, root)
    assert text.startswith("dSSR/dw3 += dSSR/dy1w3[1] x dy1w3[1]/dw3 :  ")
    assert text.endswith(f"= {format_number(s.after)}")
    assert f"({format_number(s.upstream)})" in text or s.upstream >= 0
    # Negative factors are parenthesised: the step from residual to predicted has local -1.
    back = next(st for st in backward_steps(root) if names[st.input] == "predicted[1]")
    assert step_equation(back, names, root).endswith(
        f"{format_number(back.upstream)} x (-1) = {format_number(back.after)}"
    )


def test_one_rule_for_parentheses_after_d():
    from viz.chainrule.formulas import Namer, node_name
    from viz.chainrule.names import d_name

    assert [d_name(n) for n in ("w3", "x1[2]", "y1w3[1]", "sq[1]+sq[2]", "input*w2[3]", "*#7", "2#3")] == [
        "dw3", "dx1[2]", "dy1w3[1]", "d(sq[1]+sq[2])", "d(input*w2[3])", "d(*#7)", "d(2#3)"]
    # The drawings and explanations follow it: a label x1[2] is one word there too.
    x = Value(1.0, "x1[2]")
    y = (x * 3).relabel("a+b")
    order = [x, y]
    assert node_name(x, Namer(), order) == "x1[2]" and node_name(y, Namer(), order) == "(a+b)"


def test_equation_lines_number_every_step():
    root, params = articles_network()
    steps = backward_steps(root, leaf=params["w3"])
    names = node_names(root)
    lines = replay_lines(root, steps, equations=True)
    assert lines[:3] == ["Backward from SSR, one += per line:", "  dSSR/dnode += dSSR/dconsumer x dconsumer/dnode", ""]
    lines = lines[3:]
    assert len(lines) == len(steps)
    for k, (line, s) in enumerate(zip(lines, steps), 1):
        assert line.startswith(f"step {k:>2}  {step_equation(s, names, root)}")
        assert line.endswith("  final") == s.final


def test_text_lines_fit_80_columns_and_carry_each_step():
    root, _ = articles_network()
    steps = backward_steps(root)
    lines = replay_lines(root, steps)
    rows = lines[4:]
    assert len(rows) == len(steps)
    assert max(len(line) for line in lines) <= 80
    for k, (row, s) in enumerate(zip(rows, steps), 1):
        fields = row.split()
        assert fields[0] == str(k)
        # step, node, consumer, before, +, upstream, x, local, =, after [final]
        before, up, local, after = (float(fields[i]) for i in (3, 5, 7, 9))
        assert before == float(format_number(s.before))
        assert up == float(format_number(s.upstream))
        assert local == float(format_number(s.local_grad))
        assert after == float(format_number(s.after))
        assert (fields[-1] == "final") == s.final


def test_print_replay_prints_the_lines_and_returns_the_steps():
    root, params = articles_network()
    for equations in (False, True):
        out = io.StringIO()
        steps = print_replay(root, leaf=params["b1"], equations=equations, file=out)
        assert steps == backward_steps(root, leaf=params["b1"])
        assert out.getvalue().splitlines() == replay_lines(root, steps, equations=equations)


# ------------------------------------------------------------------ command line


def run_cli(argv, stdin_text=""):
    out = io.StringIO()
    status = main(argv, stdin=io.StringIO(stdin_text), stdout=out)
    return status, out.getvalue()


def test_cli_prints_every_step():
    root, _ = articles_network()
    n = len(backward_steps(root))
    status, text = run_cli([])
    assert status == 0
    assert len(text.splitlines()) == n + 4 + 3  # the point's two lines and a blank line first


def test_cli_says_at_which_point_it_replays():
    # The parameters are printed: the default point, then with --set (values from nn.statquest).
    from nn.statquest import MAIN_IDEAS_START

    def printed(text):
        first, values = text.splitlines()[:2]
        pairs = dict(pair.split(" = ") for pair in values.split("  ") if pair)
        return first, {name: float(v) for name, v in pairs.items()}

    first, values = printed(run_cli(["--leaf", "b3"])[1])
    assert "Main Ideas' starting point" in first and "b3 = 0" in first
    assert values == MAIN_IDEAS_START
    first, values = printed(run_cli(["--set", "b3=2.61", "w3=0.5", "--leaf", "b3"])[1])
    assert first.startswith("Parameters: b3, w3 from --set")
    assert values == {**MAIN_IDEAS_START, "b3": 2.61, "w3": 0.5}
    # Every parameter given: none comes from Main Ideas' start, and the line says so.
    every = {name: 0.25 * k for k, name in enumerate(MAIN_IDEAS_START, start=1)}
    first, values = printed(run_cli(["--set", *(f"{n}={v}" for n, v in every.items()), "--leaf", "b3"])[1])
    assert first == "Parameters: all from --set"
    assert values == every


def test_cli_leaf_ends_with_the_leafs_final_grad():
    root, params = articles_network()
    grad = backward_grads(root)[params["b3"]]
    status, text = run_cli(["--leaf", "b3"])
    last = text.splitlines()[-1].split()
    assert last[1] == "b3" and last[-1] == "final"
    assert last[-2] == format_number(grad)


def test_cli_step_pauses_until_stdin_ends():
    status, text = run_cli(["--step", "--leaf", "b3"], stdin_text="\n\n")
    assert status == 0
    # Two Enters, then end of input: three prompts, each ending its line, and every row still printed.
    lines = text.splitlines()
    assert [k for k, line in enumerate(lines) if line == "-- press Enter to go on --"] == [8, 10, 12]
    root, params = articles_network()
    assert len(lines) == len(backward_steps(root, leaf=params["b3"])) + 7 + 3


def test_cli_equations_prints_one_equation_per_step():
    root, params = articles_network()
    steps = backward_steps(root, leaf=params["b3"])
    status, text = run_cli(["--equations", "--leaf", "b3"])
    lines = text.splitlines()
    assert lines[3:] == replay_lines(root, steps, equations=True)


def test_cli_set_changes_the_parameters():
    status, text = run_cli(["--set", "b3=2.61", "--leaf", "b3"])
    root, params = articles_network({"b3": 2.61})
    assert text.splitlines()[-1].split()[-2] == format_number(backward_grads(root)[params["b3"]])
    # --set may be given more than once, as python -m viz takes it.
    status, text = run_cli(["--set", "b3=2.61", "--set", "w3=0.36", "--leaf", "b3"])
    root, params = articles_network({"b3": 2.61, "w3": 0.36})
    assert text.splitlines()[-1].split()[-2] == format_number(backward_grads(root)[params["b3"]])


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--leaf", "w9"], "no node named 'w9'"),
        (["--set", "b3"], "--set expects NAME=VALUE"),
        (["--set", "b3=x"], "--set b3: 'x' is not a number"),
        (["--set", "b3=1", "--set", "b3=2"], "--set gives 'b3' twice"),
        (["--set", "w7=1"],
         "--set w7: unknown parameter; the network's parameters are w1, b1, w2, b2, w3, w4, b3"),
        (["--set", "b3=inf"], "--set b3: inf is not a finite number"),
        (["--set", "b3=nan"], "--set b3: nan is not a finite number"),
        (["--digits", "0"], "--digits must be in 1..17"),
        (["--max-frames", "0", "--html", "unused"], "--max-frames must be at least 1, got 0"),
        (["--digits", "many"], "argument --digits: invalid int value: 'many'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_cli_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        run_cli(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    # One line, as python -m viz reports a usage error: no usage block, no internal function names.
    assert err.count("\n") == 1 and err.startswith("python -m demos.replay: error: ")
    assert message in err
    assert "usage:" not in err and "set_parameters" not in err

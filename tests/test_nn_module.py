"""nn.module: Neuron, Layer, MLP; names, seeding, setting parameters, input checks."""

import math
import random
import statistics

import pytest

from engine import Value, topological_order
from nn import ACTIVATIONS, MLP, Layer, Module, Neuron, get_activation, gradient_descent, train


def softplus(x):
    return math.log(1.0 + math.exp(x))


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# ------------------------------------------------------------------ activations

@pytest.mark.parametrize(
    "name, formula",
    [
        ("softplus", softplus),
        ("relu", lambda x: x if x > 0 else 0.0),
        ("tanh", math.tanh),
        ("sigmoid", sigmoid),
        ("linear", lambda x: x),
    ],
)
def test_each_activation_matches_its_formula(name, formula):
    for x in (-2.5, -0.3, 0.7, 3.1):
        assert get_activation(name)(Value(x)).data == pytest.approx(formula(x), rel=1e-12)


def test_linear_adds_no_node():
    x = Value(1.5)
    assert ACTIVATIONS["linear"](x) is x


def test_unknown_activation_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*'softplus'"):
        Neuron(1, activation="swish")
    with pytest.raises(TypeError, match="activation must be a name"):
        Neuron(1, activation=3)


def test_a_function_can_be_an_activation():
    n = Neuron(1, activation=lambda v: v * 2, seed=3)
    w = n.w[0].data
    assert n(1.5).data == pytest.approx(2 * (1.5 * w + 0.0))


# ------------------------------------------------------------------ Neuron

def test_neuron_computes_activation_of_weighted_sum():
    n = Neuron(3, activation="tanh", seed=1)
    n.set_parameters({"w1": 0.5, "w2": -1.0, "w3": 2.0, "b": 0.25})
    x = [1.0, 2.0, -0.5]
    expected = math.tanh(1.0 * 0.5 + 2.0 * -1.0 + -0.5 * 2.0 + 0.25)
    assert n(x).data == pytest.approx(expected, rel=1e-12)


def test_neuron_graph_is_input_times_weight_then_bias():
    # x1 = input * w1 + b1, as the articles write it: the first '*' node's
    # inputs are (input, w1), and the bias is added last.
    n = Neuron(1, seed=0)
    out = n(0.5)
    assert out.op == "+" and out.inputs[1] is n.b
    product = out.inputs[0]
    assert product.op == "*" and product.inputs[1] is n.w[0]
    assert product.inputs[0].label == "input" and product.inputs[0].data == 0.5
    assert product.local_grads == (n.w[0].data, 0.5)


def test_neuron_gradients_match_central_differences():
    n = Neuron(2, activation="softplus", seed=4)
    x = [0.3, -1.2]
    out = n(x)
    out.backward()
    h = 1e-6
    for p in n.parameters():
        old = p.data
        p.data = old + h
        up = n(x).data
        p.data = old - h
        down = n(x).data
        p.data = old
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-9)


def test_neuron_names_and_labels():
    n = Neuron(2)
    assert [name for name, _ in n.named_parameters()] == ["w1", "w2", "b"]
    assert [p.label for p in n.parameters()] == ["w1", "w2", "b"]


def test_neuron_sum_and_out_labels():
    n = Neuron(1, activation="softplus")
    n.sum_label, n.out_label = "x1", "y1"
    y = n(0.5)
    assert y.label == "y1" and y.op == "softplus" and y.inputs[0].label == "x1"


def test_bad_counts():
    with pytest.raises(ValueError, match="nin"):
        Neuron(0)
    with pytest.raises(ValueError, match="nout"):
        Layer(2, 0)
    with pytest.raises(ValueError, match="sizes"):
        MLP(2, [])
    with pytest.raises(ValueError, match="layer size"):
        MLP(2, [3, 1.5])


# ------------------------------------------------------------------ Layer

def test_layer_returns_a_list_even_of_one():
    out = Layer(2, 1, seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)
    assert len(Layer(2, 3)([1.0, 2.0])) == 3


def test_layer_names():
    names = [n for n, _ in Layer(2, 2).named_parameters()]
    assert names == ["n1.w1", "n1.w2", "n1.b", "n2.w1", "n2.w2", "n2.b"]


# ------------------------------------------------------------------ MLP

def test_mlp_names_are_layer_neuron_parameter_from_1():
    model = MLP(2, [3, 1])
    expected = []
    for layer, (nin, nout) in enumerate([(2, 3), (3, 1)], start=1):
        for j in range(1, nout + 1):
            expected += [f"L{layer}.n{j}.w{i}" for i in range(1, nin + 1)] + [f"L{layer}.n{j}.b"]
    assert [n for n, _ in model.named_parameters()] == expected
    assert len(model.parameters()) == 2 * 3 + 3 + 3 * 1 + 1


def test_mlp_forward_matches_a_hand_computation():
    model = MLP(2, [2, 1], activations=("tanh", "linear"), seed=7)
    v = model.parameter_values()
    x = [0.4, -0.9]
    h1 = math.tanh(x[0] * v["L1.n1.w1"] + x[1] * v["L1.n1.w2"] + v["L1.n1.b"])
    h2 = math.tanh(x[0] * v["L1.n2.w1"] + x[1] * v["L1.n2.w2"] + v["L1.n2.b"])
    expected = h1 * v["L2.n1.w1"] + h2 * v["L2.n1.w2"] + v["L2.n1.b"]
    out = model(x)
    assert isinstance(out, Value)
    assert out.data == pytest.approx(expected, rel=1e-12)


def test_mlp_outputs_is_the_list_of_every_output():
    model = MLP(1, [3, 2], seed=3)
    v = model.parameter_values()
    x = 0.5
    hidden = [math.tanh(x * v[f"L1.n{j}.w1"] + v[f"L1.n{j}.b"]) for j in (1, 2, 3)]
    expected = [sum(h * v[f"L2.n{k}.w{j}"] for j, h in enumerate(hidden, start=1)) + v[f"L2.n{k}.b"]
                for k in (1, 2)]
    out = model.outputs(x)
    assert isinstance(out, list) and all(isinstance(o, Value) for o in out)
    assert [o.data for o in out] == pytest.approx(expected, rel=1e-12)
    one = MLP(2, [2, 1], seed=7)
    assert [o.data for o in one.outputs([0.4, -0.9])] == [one([0.4, -0.9]).data]


def test_calling_an_mlp_with_several_outputs_points_to_outputs():
    with pytest.raises(TypeError, match=r"MLP: this network has 2 outputs; call model.outputs\(x\)"):
        MLP(1, [3, 2])(0.5)


def test_mlp_default_activations_and_single_name():
    assert [layer.activation for layer in MLP(1, [4, 4, 1]).layers] == ["tanh", "tanh", "linear"]
    assert [layer.activation for layer in MLP(1, [4, 1], activations="relu").layers] == ["relu", "relu"]
    with pytest.raises(ValueError, match="2 layers need 2 activations"):
        MLP(1, [2, 1], activations=("softplus",))


def test_mlp_repr():
    assert repr(MLP(1, [2, 1], activations=("softplus", "linear"))) == (
        "MLP(1, [2, 1], activations=('softplus', 'linear'))"
    )


def test_seeded_initialisation_is_deterministic_and_leaves_global_random_alone():
    random.seed(12345)
    expected_next = random.random()
    random.seed(12345)
    a = MLP(3, [4, 4, 1], seed=1).parameter_values()
    assert random.random() == expected_next  # the global generator was not used
    b = MLP(3, [4, 4, 1], seed=1).parameter_values()
    c = MLP(3, [4, 4, 1], seed=2).parameter_values()
    assert a == b
    assert a != c


def test_neurons_differ_by_seed_or_by_a_shared_rng_as_documented():
    # The default seed is 0, so two neurons built alike are alike.
    assert Neuron(2).parameter_values() == Neuron(2).parameter_values()
    assert Neuron(2, seed=1).parameter_values() != Neuron(2, seed=2).parameter_values()
    rng = random.Random(0)
    assert Neuron(2, rng=rng).parameter_values() != Neuron(2, rng=rng).parameter_values()
    layer = Layer(2, 2)
    assert layer.neurons[0].w[0].data != layer.neurons[1].w[0].data
    assert "two ``Neuron(2)`` start identical" in " ".join(Neuron.__doc__.split())


@pytest.mark.parametrize("seed", [None, "a", 1.5, True])
@pytest.mark.parametrize("make, name", [
    (lambda seed: Neuron(1, seed=seed), "Neuron"),
    (lambda seed: Layer(1, 2, seed=seed), "Layer"),
    (lambda seed: MLP(1, [2, 1], seed=seed), "MLP"),
])
def test_seed_must_be_an_int(make, name, seed):
    with pytest.raises(TypeError, match=rf"{name}: seed must be an int, got {type(seed).__name__}"):
        make(seed)


@pytest.mark.parametrize("make, name", [
    (lambda rng: Neuron(1, rng=rng), "Neuron"),
    (lambda rng: Layer(1, 2, rng=rng), "Layer"),
])
def test_rng_must_be_a_random_generator(make, name):
    with pytest.raises(TypeError, match=rf"{name}: rng must be a random.Random or None, got int"):
        make(3)


def test_initial_weights_have_std_one_over_sqrt_nin_and_zero_biases():
    nin = 100
    model = MLP(nin, [200], seed=0)
    weights = [p.data for n, p in model.named_parameters() if not n.endswith(".b")]
    biases = [p.data for n, p in model.named_parameters() if n.endswith(".b")]
    assert len(weights) == nin * 200
    assert abs(statistics.fmean(weights)) < 0.01
    assert statistics.pstdev(weights) == pytest.approx(1 / math.sqrt(nin), rel=0.03)
    assert biases == [0.0] * 200


def test_wrong_input_size_is_a_clear_error():
    model = MLP(2, [3, 1])
    with pytest.raises(ValueError, match="MLP expects 2 inputs per sample, got 1"):
        model(0.5)
    with pytest.raises(ValueError, match="MLP expects 2 inputs per sample, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="input 2 must be a number"):
        model([1.0, "2"])
    with pytest.raises(TypeError, match="an input must be a number"):
        model("12")


def test_inputs_become_labelled_leaves():
    out = MLP(2, [1])([1.0, 2.0])
    labels = {v.label for v in topological_order(out) if v.is_leaf}
    assert {"input1", "input2", "L1.n1.w1", "L1.n1.w2", "L1.n1.b"} <= labels


# ------------------------------------------------------------------ Module API

def test_zero_grad_resets_parameter_grads():
    model = MLP(1, [2, 1])
    model(0.5).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_parameter_lookup_and_values():
    model = MLP(1, [2, 1])
    p = model.parameter("L2.n1.b")
    assert p is model.layers[1].neurons[0].b
    assert model.parameter_values()["L2.n1.b"] == p.data
    with pytest.raises(ValueError, match="unknown parameter name 'b9'.*L1.n1.w1"):
        model.parameter("b9")


def test_set_parameters_checks_everything_before_changing_anything():
    model = MLP(1, [2, 1])
    before = model.parameter_values()
    with pytest.raises(ValueError, match="set_parameters: unknown parameter name 'w9'"):
        model.set_parameters({"L1.n1.w1": 5.0, "w9": 1.0})
    with pytest.raises(TypeError, match="value for 'L1.n1.b' must be a real number"):
        model.set_parameters({"L1.n1.w1": 5.0, "L1.n1.b": "1"})
    with pytest.raises(ValueError, match="must be finite"):
        model.set_parameters({"L1.n1.w1": 5.0, "L1.n1.b": float("nan")})
    with pytest.raises(TypeError, match="mapping"):
        model.set_parameters([("L1.n1.w1", 5.0)])
    assert model.parameter_values() == before
    model.set_parameters({"L1.n1.w1": 5.0})
    assert model.parameter("L1.n1.w1").data == 5.0


def test_rename_parameters():
    model = MLP(1, [1])
    model.rename_parameters({"L1.n1.w1": "slope", "L1.n1.b": "intercept"})
    assert [n for n, _ in model.named_parameters()] == ["slope", "intercept"]
    assert model.parameter("slope").label == "slope"
    with pytest.raises(ValueError, match="used twice: slope"):
        model.rename_parameters({"intercept": "slope"})
    with pytest.raises(ValueError, match="unknown parameter name 'L1.n1.b'"):
        model.rename_parameters({"L1.n1.b": "c"})


def test_a_custom_module_gets_the_api_from_named_parameters():
    class Line(Module):
        def __init__(self):
            self.m, self.c = Value(2.0, "m"), Value(1.0, "c")

        def named_parameters(self):
            return [("m", self.m), ("c", self.c)]

        def __call__(self, x):
            return self.m * x + self.c

    line = Line()
    line.set_parameters({"c": -3.0})
    assert line.parameter_values() == {"m": 2.0, "c": -3.0}
    assert line(2.0).data == 2.0 * 2.0 - 3.0
    with pytest.raises(TypeError, match="Line does not support renaming"):
        line.rename_parameters({"m": "slope"})


# ------------------------------------------------------------------ names of a custom module's children

class Pair(Module):
    """Two child modules side by side, summed: a custom module built from children()."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def children(self):
        return [self.first, self.second]

    def __call__(self, x):
        return self.first(x) + self.second(x)


def test_children_with_the_same_names_are_told_apart_by_position():
    a, b = Neuron(1, seed=1), Neuron(1, seed=2)
    pair = Pair(a, b)
    assert [n for n, _ in pair.named_parameters()] == ["m1.w1", "m1.b", "m2.w1", "m2.b"]
    assert pair.parameters() == [a.w[0], a.b, b.w[0], b.b]
    assert pair.parameter("m2.w1") is b.w[0]
    pair.set_parameters({"m1.b": 0.5, "m2.b": -0.5})
    assert (a.b.data, b.b.data) == (0.5, -0.5)


def test_two_mlps_in_one_module_have_distinct_names():
    pair = Pair(MLP(1, [2, 1], seed=1), MLP(1, [2, 1], seed=2))
    names = [n for n, _ in pair.named_parameters()]
    assert len(names) == len(set(names)) == 2 * 7
    assert names[:2] == ["m1.L1.n1.w1", "m1.L1.n1.b"] and names[7] == "m2.L1.n1.w1"


def test_children_with_different_names_keep_them():
    pair = Pair(Neuron(1, name="h1"), Neuron(1, name="h2"))
    assert [n for n, _ in pair.named_parameters()] == ["h1.w1", "h1.b", "h2.w1", "h2.b"]


def test_the_same_child_twice_lists_its_parameters_once():
    n = Neuron(1)
    pair = Pair(n, n)
    assert [name for name, _ in pair.named_parameters()] == ["w1", "b"]


def test_every_parameter_of_two_unnamed_neurons_is_trained():
    a, b = Neuron(1, seed=1), Neuron(1, seed=2)
    pair = Pair(a, b)
    xs, ys = [0.0, 1.0], [1.0, 3.0]
    wa, wb = a.w[0].data, b.w[0].data
    # pair(x) = (wa x + ba) + (wb x + bb), both biases 0 at the start:
    # dSSR/dba = dSSR/dbb = -2 sum(y - pred), dSSR/dwa = dSSR/dwb = -2 sum(x (y - pred))
    residuals = [y - (wa + wb) * x for x, y in zip(xs, ys)]
    d_bias = -2 * sum(residuals)
    d_weight = -2 * sum(x * r for x, r in zip(xs, residuals))
    ledger = train(pair, xs, ys, lr=0.1, steps=1)
    assert ledger.names == ("m1.w1", "m1.b", "m2.w1", "m2.b")
    assert a.b.data == pytest.approx(-0.1 * d_bias) and b.b.data == pytest.approx(-0.1 * d_bias)
    assert a.w[0].data == pytest.approx(wa - 0.1 * d_weight)
    assert b.w[0].data == pytest.approx(wb - 0.1 * d_weight)


class Clash(Module):
    """A custom module that names two different parameters alike."""

    def __init__(self):
        self.u, self.v = Value(1.0, "w"), Value(2.0, "w")

    def named_parameters(self):
        return [("w", self.u), ("w", self.v)]

    def __call__(self, x):
        return self.u * x + self.v


def test_two_parameters_with_one_name_are_an_error_not_a_silent_pick():
    clash = Clash()
    with pytest.raises(ValueError, match="train: two different parameters are named 'w'"):
        train(clash, [1.0], [0.0], steps=1)
    with pytest.raises(ValueError, match="gradient_descent: two different parameters are named 'w'"):
        gradient_descent(lambda: clash(1.0), clash, steps=1)
    with pytest.raises(ValueError, match="set_parameters: two different parameters are named 'w'"):
        clash.set_parameters({"w": 5.0})
    with pytest.raises(ValueError, match="parameter: two different parameters are named 'w'"):
        clash.parameter("w")
    # Saving the state would keep only one of the two values under 'w'.
    with pytest.raises(ValueError, match="parameter_values: two different parameters are named 'w'"):
        clash.parameter_values()
    assert (clash.u.data, clash.v.data) == (1.0, 2.0)


def test_renaming_names_told_apart_by_position_is_refused_and_changes_nothing():
    a, b = Neuron(1), Neuron(1)
    pair = Pair(a, b)
    with pytest.raises(TypeError, match="Pair does not support renaming.*name='h1'"):
        pair.rename_parameters({"m1.w1": "slope"})
    assert [n for n, _ in pair.named_parameters()] == ["m1.w1", "m1.b", "m2.w1", "m2.b"]
    a.rename_parameters({"w1": "slope"})  # on the child: the other names still clash
    assert [n for n, _ in pair.named_parameters()] == ["m1.slope", "m1.b", "m2.w1", "m2.b"]
    assert a.w[0].label == "slope"


# ------------------------------------------------------------------ clear errors


@pytest.mark.parametrize("activations", [3, 2.5, {"softplus", "linear"}])
def test_activations_of_the_wrong_type_name_mlp(activations):
    with pytest.raises(TypeError, match=r"MLP: activations must be one activation .* or a list of one per layer, got"):
        MLP(1, [2, 1], activations=activations)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_inputs_name_the_module_and_the_input(bad):
    with pytest.raises(ValueError, match=rf"MLP: input 1 must be finite, got {bad!r}"):
        MLP(2, [1])([bad, 2.0])
    with pytest.raises(ValueError, match=rf"Neuron: input 2 must be finite, got {bad!r}"):
        Neuron(2)([1.0, bad])
    with pytest.raises(ValueError, match=rf"Layer: input 1 must be finite, got {bad!r}"):
        Layer(1, 2)(bad)


@pytest.mark.parametrize("x, kind", [({1: 2, 3: 4}, "dict"), ({1, 2}, "set"), (iter([1, 2]), "list_iterator"),
                                     (b"12", "bytes")])
def test_an_input_must_be_a_number_or_a_list_or_tuple(x, kind):
    message = rf"MLP: an input must be a number or a sequence \(list or tuple\) of numbers, got {kind}"
    with pytest.raises(TypeError, match=message):
        MLP(2, [1])(x)
    assert MLP(2, [1], seed=4)((1.0, 2.0)).data == MLP(2, [1], seed=4)([1.0, 2.0]).data


def test_a_neuron_lists_its_own_names_for_an_unknown_one():
    message = r"parameter: unknown parameter name 'x'; this model's parameters are: w1, w2, b$"
    with pytest.raises(ValueError, match=message):
        Neuron(2).parameter("x")


def test_a_child_listed_twice_is_renamed_once():
    # Renamed twice, a swap would undo itself.
    n = Neuron(1)
    Pair(n, n).rename_parameters({"w1": "b", "b": "w1"})
    assert [name for name, _ in n.named_parameters()] == ["b", "w1"]
    assert (n.w[0].label, n.b.label) == ("b", "w1")


@pytest.mark.parametrize("names, error, message", [
    ([("L1.n1.w1", "a")], TypeError, "rename_parameters: expected a mapping of old names to new names, got list"),
    ({"L1.n1.w1": ""}, ValueError, "rename_parameters: new name for 'L1.n1.w1' must be a non-empty str"),
    ({"L1.n1.w1": 3}, TypeError, "rename_parameters: new name for 'L1.n1.w1' must be a str, got int 3"),
    ({"L1.n1.b": "a", "w9": "b"}, ValueError, "rename_parameters: unknown parameter name 'w9'; this model's"),
])
def test_bad_renames_change_nothing(names, error, message):
    model = MLP(1, [1])
    with pytest.raises(error, match=f"^{message}"):
        model.rename_parameters(names)
    assert [n for n, _ in model.named_parameters()] == ["L1.n1.w1", "L1.n1.b"]

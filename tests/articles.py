"""The articles' drug-dosage network: built from engine Values, and written out by hand.

StatQuest's network (one input, two softplus hidden neurons, one linear output, SSR loss),
labelled as the articles name its nodes. Tests compare the engine, the drawings and the
explanations against `hand_forward`, which uses plain floats only.
"""

import math

from engine import Value

# Published optimum of the drug-dosage network (StatQuest, Backpropagation Details Pt. 2);
# b3 = 0 is the starting point of "Backpropagation Main Ideas".
PARAMS = {"w1": 3.34, "b1": -1.43, "w2": -3.53, "b2": 0.57, "w3": -1.22, "w4": -2.30, "b3": 0.0}
INPUTS = [0.0, 0.5, 1.0]
OBSERVED = [0.0, 1.0, 0.0]
# Published in "Backpropagation Main Ideas": dSSR/db3 at b3 = 0 and the SSR there.
PUBLISHED_D_SSR_D_B3 = -15.7
PUBLISHED_SSR_AT_B3_0 = 20.4


def network(params=None, inputs=INPUTS, observed=OBSERVED):
    """(SSR root, dict name -> parameter Value) for the data points given, backward not yet run."""
    params = dict(PARAMS if params is None else params)
    p = {name: Value(v, name) for name, v in params.items()}
    terms = []
    for i, o in zip(inputs, observed):
        inp, obs = Value(i, "input"), Value(o, "observed")
        x1 = (inp * p["w1"] + p["b1"]).relabel("x1")
        y1 = x1.softplus().relabel("y1")
        x2 = (inp * p["w2"] + p["b2"]).relabel("x2")
        y2 = x2.softplus().relabel("y2")
        predicted = (y1 * p["w3"] + y2 * p["w4"] + p["b3"]).relabel("predicted")
        terms.append((obs - predicted) ** 2)
    ssr = terms[0]
    for t in terms[1:]:
        ssr = ssr + t
    return ssr.relabel("SSR"), p


def softplus(x):
    """log(1 + e^x)."""
    return math.log(1.0 + math.exp(x))


def sigmoid(x):
    """e^x / (1 + e^x) = d softplus(x) / dx."""
    return math.exp(x) / (1.0 + math.exp(x))


def hand_forward(params, i):
    """x1, y1, x2, y2, predicted for one input, written out as the articles do."""
    x1 = i * params["w1"] + params["b1"]
    x2 = i * params["w2"] + params["b2"]
    y1, y2 = softplus(x1), softplus(x2)
    return x1, y1, x2, y2, y1 * params["w3"] + y2 * params["w4"] + params["b3"]

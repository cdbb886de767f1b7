"""The articles' network as tests/articles.py builds it, against the hand-written forward pass."""

import math

from tests.articles import INPUTS, OBSERVED, PARAMS, PUBLISHED_SSR_AT_B3_0, hand_forward, network


def test_builder_matches_the_hand_forward_pass():
    ssr, _ = network()
    expected = sum((o - hand_forward(PARAMS, i)[4]) ** 2 for i, o in zip(INPUTS, OBSERVED))
    assert math.isclose(ssr.data, expected, rel_tol=1e-12)
    assert round(ssr.data, 1) == PUBLISHED_SSR_AT_B3_0


def test_builder_labels_every_named_node():
    ssr, p = network(inputs=[0.5], observed=[1.0])
    labels = set()
    stack = [ssr]
    while stack:
        n = stack.pop()
        if n.label:
            labels.add(n.label)
        stack.extend(n.inputs)
    assert labels == set(PARAMS) | {"input", "observed", "x1", "y1", "x2", "y2", "predicted", "SSR"}

"""Drawing, explaining or replaying an nn model instead of a Value: a TypeError that says what to pass."""

from __future__ import annotations

import pytest

from nn import MLP
from nn import statquest as sq
from viz import draw, explain, render
from viz.replay.frames import replay_frames

CALLS = [
    ("draw", lambda m, tmp: draw(m)),
    ("render", lambda m, tmp: render(m, tmp / "m.svg")),
    ("explain", lambda m, tmp: explain(m, "w1")),
    ("replay_frames", lambda m, tmp: replay_frames(m)),
]


@pytest.mark.parametrize("model", [sq.network(), MLP(2, [3, 1], seed=0)], ids=["articles", "mlp"])
@pytest.mark.parametrize("func, call", CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)])
def test_a_model_is_a_type_error_saying_what_to_pass(model, func, call, tmp_path):
    with pytest.raises(TypeError) as info:
        call(model, tmp_path)
    message = str(info.value)
    assert message.startswith(f"{func}: root must be an engine Value, got MLP (an nn model")
    assert f"{func}(model(0.5)) for one forward pass" in message
    assert f"{func}(loss) after loss.backward(), e.g. loss = nn.statquest.loss(model)" in message
    assert "\n" not in message


def test_what_the_message_suggests_works():
    model = sq.network()
    loss = sq.loss(model)
    loss.backward()
    assert "SSR" in draw(loss).source
    assert "predicted" in draw(model(0.5)).source
    assert explain(loss, model.parameter("w1")).agrees


@pytest.mark.parametrize("root", [None, 3.0, "SSR", [1.0]])
def test_other_roots_still_name_their_type(root):
    with pytest.raises(TypeError) as info:
        draw(root)
    assert str(info.value) == f"draw: root must be an engine Value, got {type(root).__name__}"

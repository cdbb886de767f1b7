"""Temporary: the names that moved to ``engine.backward_steps`` and ``viz.step_text`` (issue 9).

Kept only until every importer in the tree imports from the new modules; then deleted.
"""

from engine.backward_steps import (
    BackwardStep,
    backward_steps,
    grads_after,
    iter_backward_steps,
    nodes_on_paths,
    start_grads,
)
from viz.step_text import d_name, format_number, is_one_word, node_names, print_replay, replay_lines, step_equation

__all__ = [
    "BackwardStep",
    "backward_steps",
    "iter_backward_steps",
    "start_grads",
    "grads_after",
    "nodes_on_paths",
    "node_names",
    "format_number",
    "is_one_word",
    "d_name",
    "step_equation",
    "replay_lines",
    "print_replay",
]

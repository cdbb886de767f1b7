"""The options of one gradient-descent run, declared once: ``Options``.

``train`` and ``gradient_descent`` take them as keywords, check them once
(``nn.checks.check_options``) and pass the ``Options`` down to the steps.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEARNING_RATE", "MIN_STEP_SIZE", "MAX_STEPS", "Options"]

#: The articles' defaults: learning rate 0.1; stop when every step size is
#: below 0.001, or after 1000 steps.
LEARNING_RATE = 0.1
MIN_STEP_SIZE = 0.001
MAX_STEPS = 1000


@dataclass(frozen=True, kw_only=True)
class Options:
    """How gradient descent runs: ``step size = gradient x lr`` each step, until it stops.

    With ``steps`` (an int) exactly that many steps are taken; with
    ``steps=None`` the stopping rule ends training after the first step whose
    step sizes are all below ``min_step_size``, or after ``max_steps``.
    ``compiled`` runs the steps as code traced once (``engine.trace``).
    """

    lr: float = LEARNING_RATE
    min_step_size: float = MIN_STEP_SIZE
    max_steps: int = MAX_STEPS
    steps: int | None = None
    compiled: bool = False

    @property
    def limit(self) -> int:
        """The most steps to take: ``steps``, or ``max_steps`` under the stopping rule."""
        return self.max_steps if self.steps is None else self.steps

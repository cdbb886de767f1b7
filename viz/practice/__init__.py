"""A hand derivation checked against the engine, and practice questions; nothing here draws.

- ``check.py``: ``check``, a formula set beside the engine point by point; ``diagnosis.py``: what is wrong with it.
- ``hand_formula.py``: a formula as a learner writes it, read and evaluated; ``points.py``: a loss's data points.
- ``chain_factors.py``: a data point's chain-rule factors, walked within bounds (linear in the graph).
- ``questions.py``: the numbers of a gradient to compute by hand, one question at a time.
"""

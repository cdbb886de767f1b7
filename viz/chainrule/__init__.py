"""The chain rule in words; nothing here imports graphviz.

- ``names.py``: ``node_names`` (what every picture and text calls a node) and ``d_name``.
- ``numbers.py``: ``fmt``, the number style of drawings and explanations.
- ``formulas.py``: the formula of each local derivative, from the ops' declarations.
- ``explanation.py``: ``explain``, d root / d leaf as a sum over paths of products; ``latex.py``: as LaTeX or Markdown.
- ``nonfinite.py``: where a nan or inf grad comes from, the backward step that first leaves the float range.
- ``tex_text.py``: any text as LaTeX that pdflatex compiles; ``visible.py``: control characters as their escapes.
"""

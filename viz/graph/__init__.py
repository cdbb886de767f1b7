"""A computation graph drawn: DOT text, rendered to SVG or PNG by a ``dot`` program.

- ``options.py``: ``DrawOptions``, draw's options declared once; the parameters' default rule.
- ``resolve.py``: the options resolved against one graph (a ``Drawing``), and what only the graph can refuse.
- ``draw.py``: ``draw`` and ``draw_frame`` (a replay frame's drawing); ``dot_source.py`` writes a ``Drawing`` as DOT.
- ``style.py``: colours, fonts and the HTML-like labels of boxes and edges; ``layout.py``: what a drawing
  costs dot, the limits (``GraphTooLargeError``) and Graphviz's effort limits.
- ``render.py``: ``render``, ``to_svg``, ``to_png``; ``chaingraph.py``: the ``graphviz.Digraph`` draw returns.
- ``dot_program.py``: finding and running dot; ``dot_on_path.py``: ``dot_on_path()``;
  ``svg_font.py``: the SVG font stack.
"""

"""The explorer page: one self-contained HTML file (``viz.explore``).

- ``explorer.py``: ``explore`` and ``explore_html``, the page put together; ``options.py``: ``PageOptions``.
- ``data.py``: what the page's script knows of the graph, as JSON; ``svg_markup.py``: the drawing marked up for it.
- ``static/``: the script (``explore-math.js`` the ops, ``explore-text.js`` the text, ``explore-quiz.js`` the
  exercise, ``explore-view.js`` the drawing and zoom, ``explore.js`` the rest), the style and the template.
"""

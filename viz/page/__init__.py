"""The explorer page: one self-contained HTML file (the drawing, its data, the script in ``static/``)."""

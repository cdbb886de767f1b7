"""A computation graph drawn: DOT text, rendered to SVG or PNG by a ``dot`` program."""

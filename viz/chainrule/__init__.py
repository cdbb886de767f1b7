"""The chain rule in words: node names, edge formulas, explanations as text, LaTeX and Markdown."""

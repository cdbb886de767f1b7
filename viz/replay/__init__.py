"""Backward replayed one ``+=`` at a time.

- ``step_text.py``: the steps as text (a table for a terminal, chain-rule equations).
- ``frames.py``: one drawing per step (SVG frames for slides), and the replay's page (``write_replay``).
"""

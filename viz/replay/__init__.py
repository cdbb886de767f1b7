"""Backward replayed one ``+=`` at a time: as text, and as frames for slides."""

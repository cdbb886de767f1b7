"""The command lines.

- ``command.py``: ``python -m viz``.
- ``rules.py``: which of its options apply together; any other pair is refused in one line before any work.
- ``parsing.py``: ``--set NAME=VALUE`` and usage errors on one line, as every chaingrad command reads them.
- ``run.py``: every failure of a command as one line on stderr and an exit status.
"""

"""The command lines: ``python -m viz``, and the parsing and failure handling the demos share."""

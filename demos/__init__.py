"""chaingrad's demos package (being built)."""

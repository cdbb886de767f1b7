"""chaingrad's viz package (being built)."""

"""chaingrad's nn package (being built)."""

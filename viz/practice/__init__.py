"""A hand derivation checked against the engine, and practice questions; nothing here draws."""

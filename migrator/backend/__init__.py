"""Oracle 19c back end (generator + guard)."""

"""Contact groups, their member organisations, people, tokens and signing keys."""

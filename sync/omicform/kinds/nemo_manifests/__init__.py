"""NeMO manifests: the kind, and `rules/` (NeMO's manifest rules, one function per rule)."""

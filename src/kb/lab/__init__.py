"""Teaching helpers that page snippets import: toy data, small networks and from-scratch algorithms."""

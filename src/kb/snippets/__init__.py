"""Snippet execution: run a page's Python blocks and compare them with their stated output."""

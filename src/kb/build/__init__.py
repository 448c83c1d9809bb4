"""Build integration: run snippets at build time and in pytest, render pages."""

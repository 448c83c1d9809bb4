"""Question pages: the front matter schema, reading pages, static checks, stated outputs."""

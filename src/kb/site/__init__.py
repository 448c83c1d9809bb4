"""The MkDocs integration: the kb plugin, the python fence, generated pages and the theme override."""

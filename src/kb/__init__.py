"""kb: the machine-learning interview knowledge base's library."""

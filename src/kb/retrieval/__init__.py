"""Retrieval: one text analysis for site search, ``kb import`` matching and near-duplicate checks.

:mod:`kb.retrieval.analyzer` turns text into terms (normalisation, segmentation,
stop words, synonyms); everything that compares a reader's wording with a page uses it.
"""

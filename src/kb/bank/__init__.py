"""The question-bank pipeline: parse raw banks, map items to pages, detect duplicates."""

"""Tests of what the pages in docs/ claim, against the code that produces it."""

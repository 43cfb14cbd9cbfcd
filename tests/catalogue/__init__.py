"""Tests of katas/catalogue/: the bug cards, their loader and their variants."""

"""Tests of katas/analysis/: the numbers behind the follow-up demonstrations."""

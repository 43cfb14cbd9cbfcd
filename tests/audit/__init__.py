"""Tests of katas/audit/: mutmut's results, the register, the score, reports, census, promote, clean-up."""

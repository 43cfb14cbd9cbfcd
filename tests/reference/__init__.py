"""Tests of reference/: the networks, the gradient checker, the diagnoser and its evidence."""

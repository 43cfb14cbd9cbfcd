"""Tests of katas/sandbox/ and katas/evaluator/: what a learner's file can do, what the judge says."""

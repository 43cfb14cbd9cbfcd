"""Tests of katas/learner/: the workspace, its progress file, kata files, the guard, the plots."""

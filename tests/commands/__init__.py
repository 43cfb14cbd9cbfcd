"""Tests of katas/commands/, katas/cli.py and katas/pytest_plugin.py: the commands as typed."""

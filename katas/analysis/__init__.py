"""Measurements behind the docs' answers, away from the commands that print them."""

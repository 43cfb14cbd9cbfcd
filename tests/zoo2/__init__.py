"""Held-out zoo 2: independently written loss implementations for testing the diagnoser."""

"""Argument types for the command line: numbers that must be positive or non-negative.

argparse turns the ValueError these raise into a usage error (exit code 2) that names the
option and the value, instead of a traceback later on.
"""
import argparse


def positive_float(text: str) -> float:
    """A float > 0 (a step, a time limit)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number" % text) from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("%r must be a positive, finite number" % text)
    return value


def non_negative_int(text: str) -> int:
    """An int >= 0 (a seed)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a whole number" % text) from None
    if value < 0:
        raise argparse.ArgumentTypeError("%r must be 0 or more" % text)
    return value


def positive_int(text: str) -> int:
    """An int >= 1 (a count)."""
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("%r must be 1 or more" % text)
    return value


def probe_seed(text: str) -> int:
    """argparse type of a probe seed: a whole number in [0, 2**31)."""
    if not text.strip().isdigit() or int(text) >= 2 ** 31:
        raise argparse.ArgumentTypeError("%r is not a probe seed (a whole number from 0 to 2147483647)" % text)
    return int(text)

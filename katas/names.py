"""The names of things, written once: a kata's id, a card's file name, a kata file's name.

An id is kebab-case (lowercase letters and digits in words joined by single hyphens); a card
file is NN-id.toml and a learner's kata file NN-id.py, NN being the curriculum order (two
digits or more). Standard library only, so that the pytest plugin and the evaluator can use
it without importing anything heavy.
"""
import re

ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ID = re.compile(r"^%s$" % ID_PATTERN)
CARD_FILE = re.compile(r"^(\d{2,})-(%s)\.toml$" % ID_PATTERN)
KATA_FILE = re.compile(r"^(\d{2,})-(%s)\.py$" % ID_PATTERN)


def kata_id(filename: str, default: str = "ID") -> str:
    """The id in a kata file's name NN-id.py, or default when the name is not a kata file's."""
    match = KATA_FILE.match(filename)
    return match.group(2) if match else default

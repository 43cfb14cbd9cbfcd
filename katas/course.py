"""A course's conventions, read once from a file: what the judge compares learners' code against.

What it is for: load(path), the conventions (reference.diagnose.conventions) of a course file: a
pyproject.toml with a [tool.backprop-kata.course] table, or a course TOML with a [course] table
or the keys at its top (l2 = "half" | "full", batch = "mean" | "sum"); setting(), the course named
by KATA_COURSE, which `kata check --course` and `kata grade --course` set for the checks they run.
Without a course, verdicts follow this project's conventions, as the katas it hands out do.
What it is not for: judging (katas.sandbox passes the conventions to the diagnoser).
"""
from __future__ import annotations

import os
import pathlib

from katas.toml import tomllib
from reference.diagnose.conventions import PROJECT, Conventions, from_mapping

COURSE_ENV = "KATA_COURSE"


class CourseError(ValueError):
    """The course file cannot be used; the message names the file and the problem."""


def load(path: str | os.PathLike[str]) -> Conventions:
    """The conventions of the course file at path; CourseError when it cannot be read or is wrong."""
    path = pathlib.Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CourseError("cannot read the course file %s (%s)" % (path, exc.strerror or exc)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise CourseError("the course file %s is not valid TOML (%s)" % (path, exc)) from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("backprop-kata", {}).get("course")
        if not isinstance(table, dict):
            raise CourseError("%s has no [tool.backprop-kata.course] table: add one with l2 and batch" % path)
    else:
        table = data.get("course", data)
        if not isinstance(table, dict):
            raise CourseError("the [course] of %s must be a table with l2 and batch" % path)
    try:
        return from_mapping(table)
    except ValueError as exc:
        raise CourseError("%s: %s" % (path, exc)) from None


def setting() -> Conventions:
    """The course KATA_COURSE names, or this project's conventions when it is unset or empty."""
    raw = os.environ.get(COURSE_ENV, "").strip()
    return load(raw) if raw else PROJECT

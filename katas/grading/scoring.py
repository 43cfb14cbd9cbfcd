"""The scoring policy: what a green, a red and an error are worth, probe by probe.

What it is for: every submission is worth max_score (1 by default). Green scores max_score. Red
scores max_score x (the fraction of the diagnosis's probes that passed) x partial, where
partial is 0.0 by default (no partial credit), and set in pyproject.toml's
[tool.backprop-kata.grade] (`partial = 0.5`, `max_score = 1`) or by `kata grade --partial`. An
error (the file could not be checked) scores 0. Probe by probe, each of the n probes is worth
max_score / n: a passed probe of a green file earns all of it, a passed probe of a red file
earns partial times it, a failed probe nothing; the probes' scores add up to the score
(to rounding).
What it is not for: judging (katas.sandbox) or deciding whether a probe passed
(katas.learner.report.probe_status, the same rule as `kata check --json`).
"""
from __future__ import annotations

import dataclasses
import math
import os
import pathlib
from typing import Any

from katas.learner.report import probe_status
from katas.sandbox import Result
from katas.toml import tomllib

DEFAULT_PARTIAL = 0.0
DEFAULT_MAX_SCORE = 1.0
TABLE = "[tool.backprop-kata.grade]"


class PolicyError(Exception):
    """A [tool.backprop-kata.grade] setting that cannot be used; the message names it and the fix."""


@dataclasses.dataclass(frozen=True)
class Policy:
    """partial: the factor of a red file's probe credit, from 0 to 1. max_score: one submission's worth."""

    partial: float = DEFAULT_PARTIAL
    max_score: float = DEFAULT_MAX_SCORE


@dataclasses.dataclass(frozen=True)
class Probe:
    """One probe of a check: its name, what it tests, passed or not, its evidence, what its
    summary says (facts(): the gradients that disagree, the losses), its score."""

    name: str
    purpose: str
    passed: bool
    evidence: tuple[str, ...]
    facts: str
    score: float
    max_score: float


@dataclasses.dataclass(frozen=True)
class Score:
    """A submission's score, the probes it is made of, and the fraction of them that passed."""

    score: float
    max_score: float
    probes: tuple[Probe, ...]
    passed_fraction: float


def fraction(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 <= value <= 1):
        raise PolicyError("%s partial = %r: a fraction from 0 to 1 (0: no partial credit)" % (where, value))
    return float(value)


def positive(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
        raise PolicyError("%s max_score = %r: a positive number of points" % (where, value))
    return float(value)


def find_pyproject(start: str | os.PathLike[str] = ".") -> pathlib.Path | None:
    """The nearest pyproject.toml in start or a folder above it, or None."""
    folder = pathlib.Path(start).resolve()
    for candidate in (folder,) + tuple(folder.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate / "pyproject.toml"
    return None


def load_policy(pyproject: pathlib.Path | None, partial: float | None = None,
                max_score: float | None = None) -> Policy:
    """The policy of pyproject's [tool.backprop-kata.grade] (the defaults without one), with
    partial and max_score, when given, in place of the file's. A PolicyError names a bad setting."""
    table: dict[str, Any] = {}
    if pyproject is not None:
        try:
            with open(pyproject, "rb") as stream:
                data = tomllib.load(stream)
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PolicyError("%s cannot be read for %s: %s" % (pyproject, TABLE, exc))
        grade = data.get("tool", {}).get("backprop-kata", {}).get("grade", {})
        table = grade if isinstance(grade, dict) else {}
    where = "%s in %s:" % (TABLE, pyproject)
    policy = Policy(fraction(table.get("partial", DEFAULT_PARTIAL), where),
                    positive(table.get("max_score", DEFAULT_MAX_SCORE), where))
    if partial is not None:
        policy = dataclasses.replace(policy, partial=fraction(partial, "--partial"))
    if max_score is not None:
        policy = dataclasses.replace(policy, max_score=positive(max_score, "--max-score"))
    return policy


def probe_evidence(name: str, evidence: list[str]) -> tuple[str, ...]:
    """The evidence sentences about one probe (they begin with "<name> probe")."""
    return tuple(line for line in evidence if line.startswith(name + " probe"))


FACTS = (("mismatch", "the gradient check fails for"), ("differs_from_reference", "differs from the reference in"),
         ("structure", "wrong return value"), ("shapes", "wrong shapes"), ("mutated", "changes its inputs"),
         ("nonfinite", "not finite"), ("error", "raised"), ("summary_error", "could not be summarised"))


def facts(summary: dict[str, Any]) -> str:
    """What a probe's summary (Diagnosis.to_dict()["probes"][name]) says went wrong, in one line."""
    said = []
    for key, words in FACTS:
        value = summary.get(key)
        if value:
            shown = ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
            said.append("%s: %s" % (words, shown))
    loss, reference = summary.get("loss"), summary.get("reference_loss")
    if isinstance(loss, float) and isinstance(reference, float):
        said.append("loss %.6g (reference %.6g)" % (loss, reference))
    return "; ".join(said)


def score(result: Result, policy: Policy) -> Score:
    """The Score of one check under policy."""
    probes = (result.diagnosis or {}).get("probes", {}) if result.verdict != "error" else {}
    share = policy.max_score / len(probes) if probes else 0.0
    credit = 1.0 if result.green else policy.partial
    listed = []
    for name, summary in probes.items():
        passed = probe_status(summary) == "pass"
        listed.append(Probe(name, str(summary.get("purpose", "")), passed, probe_evidence(name, result.evidence),
                            facts(summary),
                            share * credit if passed else 0.0, share))
    passed_fraction = sum(p.passed for p in listed) / len(listed) if listed else 0.0
    if result.green:
        total = policy.max_score
    elif result.verdict == "red":
        total = policy.max_score * passed_fraction * policy.partial
    else:
        total = 0.0
    return Score(round(total, 6), policy.max_score, tuple(listed), passed_fraction)

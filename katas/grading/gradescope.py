"""One submission's results.json in Gradescope's autograder format.

What it is for: `kata grade --gradescope` runs inside Gradescope's autograder container, grades
the one file of /autograder/submission and writes /autograder/results/results.json as
Gradescope's specification has it (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
top-level `score`, `max_score`, `execution_time`, `output` (the verdict and the evidence),
`visibility`, `stdout_visibility`, `extra_data` (signature, params, factor, seed) and `tests`, one
per probe of the diagnosis, each with `name`, `score`, `max_score`, `status` ("passed" or
"failed"), `output` (that probe's evidence) and `visibility`. Scores follow the scoring policy
of katas.grading.scoring; the probes' scores add up to the total. A file that could not be
checked has one failed test that says why.
What it is not for: finding the file (katas.grading.submissions) or judging it (katas.grading.pool).
"""
from __future__ import annotations

import os
import pathlib
from typing import Any

from katas.catalogue import Card
from katas.grading.gradebook import Row
from katas.grading.scoring import Score
from katas.learner import report
from katas.sandbox import Result

SUBMISSION_DIR = "/autograder/submission"
RESULTS_PATH = "/autograder/results/results.json"
VISIBILITY = "visible"


def results(card: Card, result: Result, score: Score, row: Row, display_path: str) -> dict[str, Any]:
    """The results.json document of one check."""
    verdict = "\n".join(report.terminal(card, result, display_path))
    tests: list[dict[str, Any]] = []
    for number, probe in enumerate(score.probes, start=1):
        evidence = "\n".join(probe.evidence + ((probe.facts,) if probe.facts else ()))
        tests.append({
            "name": "%s probe: %s" % (probe.name, probe.purpose),
            "number": str(number),
            "score": probe.score,
            "max_score": probe.max_score,
            "status": "passed" if probe.passed else "failed",
            "output": evidence or ("passed" if probe.passed else "failed"),
            "visibility": VISIBILITY,
        })
    if not tests:
        tests.append({"name": "the file loads and can be checked", "number": "1", "score": 0.0,
                      "max_score": score.max_score, "status": "failed", "output": row.error or result.problem,
                      "visibility": VISIBILITY})
    return {
        "score": score.score,
        "max_score": score.max_score,
        "execution_time": round(result.seconds, 3),
        "output": verdict,
        "visibility": VISIBILITY,
        "stdout_visibility": "hidden",
        "extra_data": {"kata": card.id, "status": row.status, "signature": row.signature, "params": row.params,
                       "factor": row.factor, "seed": row.seed},
        "tests": tests,
    }


def find_submission(folder: str | os.PathLike[str], kata_filename: str) -> tuple[pathlib.Path | None, str]:
    """(the file to grade, "") or (None, why there is none): the one .py file of folder (searched
    below it too), else the one named kata_filename."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        return None, "the submission folder %s does not exist" % folder
    files = sorted(p for p in folder.rglob("*.py") if p.is_file() and "__pycache__" not in p.parts)
    if len(files) == 1:
        return files[0], ""
    named = [p for p in files if p.name == kata_filename]
    if named:
        return named[0], ""
    if not files:
        return None, "no .py file was submitted: submit your kata file, %s" % kata_filename
    return None, "%d .py files were submitted and none is named %s: submit your kata file alone, or under that name" % (
        len(files), kata_filename)

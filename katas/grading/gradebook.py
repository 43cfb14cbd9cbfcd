"""The gradebook: one row per submission, its group, the instructor's comments, CSV and JSON.

What it is for: a Row is what `kata grade` records of one submission (status green / red /
error, score, diagnosis, seed, time, error sentence, evidence); rows with the same diagnosis
(signature, then the parameters it names, then its factor) share a group, whose key, such as
"localized|W1,b1|", is what the comments TOML is keyed by. The comments file is data the
instructor writes (through the class report's button, or by hand): loading it never runs code,
and an error names the file, the key and the fix. gradebook.csv has exactly COLUMNS;
gradebook.json has the same fields plus the evidence and each group's comment.
What it is not for: judging, scoring (katas.grading.scoring) or the HTML page
(katas.grading.classreport).
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import pathlib
from collections.abc import Iterable
from typing import Any

from katas.catalogue.sandboxed import as_float
from katas.grading.scoring import Score
from katas.sandbox import Result
from katas.toml import tomllib

COLUMNS = ("submission", "kata", "status", "score", "max_score", "signature", "params", "factor", "seed", "seconds",
           "error")
STATUSES = ("green", "red", "error")
FORMAT_VERSION = 1


class CommentsError(Exception):
    """A comments file that cannot be used: names the file, the key and how to fix it."""


@dataclasses.dataclass
class Row:
    """One graded submission.

    - submission: the learner's name (katas.grading.submissions); kata: the card id.
    - status: "green", "red" or "error" (the file could not be checked; error says why).
    - score, max_score: under the scoring policy (katas.grading.scoring).
    - signature, params, factor: the diagnosis (None, [], None for an error); factor as a
      number, or None when the diagnosis has none.
    - seed: the probe seed; seconds: wall time of the check.
    - error: the sandbox's sentence for an error, with the line of the file where there is one; "" otherwise.
    - evidence: the diagnosis's evidence sentences; probes: each probe's name, purpose, passed, evidence, score.
    - comment: the instructor's comment on the row's group, or "".
    """

    submission: str
    kata: str
    status: str
    score: float
    max_score: float
    signature: str | None
    params: list[str]
    factor: float | None
    seed: int | None
    seconds: float
    error: str
    evidence: list[str] = dataclasses.field(default_factory=list)
    probes: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    comment: str = ""

    @property
    def group(self) -> str:
        return group_key(self.status, self.signature, self.params, self.factor)


def factor_text(factor: float | None) -> str:
    """A factor as the group key and the report show it: 3 significant digits, "" for none."""
    if factor is None:
        return ""
    return "%.3g" % factor


def group_key(status: str, signature: str | None, params: Iterable[str], factor: float | None) -> str:
    """"signature|params|factor", e.g. "localized|W1,b1|" or "uniform_scale|W1,b1,W2,b2|8";
    "ok||" for green and "error||" for a file that could not be checked."""
    if status == "error":
        return "error||"
    return "%s|%s|%s" % (signature or status, ",".join(params), factor_text(factor))


def make_row(name: str, kata: str, result: Result, score: Score) -> Row:
    """The Row of one check."""
    error = ""
    if result.verdict == "error":
        error = result.problem + (" (line %d: %s)" % (result.line, result.code) if result.line and result.code else
                                  " (line %d)" % result.line if result.line else "")
    factor = as_float(result.factor) if result.verdict != "error" else None
    probes = [{"name": p.name, "purpose": p.purpose, "passed": p.passed, "evidence": list(p.evidence), "facts": p.facts,
               "score": p.score, "max_score": p.max_score} for p in score.probes]
    return Row(name, kata, result.verdict if result.verdict in STATUSES else "error", score.score, score.max_score,
               result.signature if result.verdict != "error" else None,
               list(result.params) if result.verdict != "error" else [], factor, result.seed,
               round(result.seconds, 3), error, list(result.evidence), probes)


def error_row(name: str, kata: str, problem: str, max_score: float, seed: int | None) -> Row:
    """The Row of a submission that has no file to check (a learner folder with none)."""
    return Row(name, kata, "error", 0.0, max_score, None, [], None, seed, 0.0, problem)


def csv_value(row: Row, column: str) -> object:
    value = getattr(row, column)
    if column == "params":
        return " ".join(value)
    if value is None:
        return ""
    if isinstance(value, float) and column == "factor":
        return factor_text(value)
    return value


def to_csv(rows: Iterable[Row]) -> str:
    """gradebook.csv: a header of COLUMNS, then one line per row (params separated by spaces)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([csv_value(row, column) for column in COLUMNS])
    return buffer.getvalue()


@dataclasses.dataclass
class Group:
    """Submissions that share a diagnosis: key, signature, params, factor, the rows, the comment."""

    key: str
    status: str
    signature: str | None
    params: list[str]
    factor: float | None
    rows: list[Row]
    comment: str = ""


def groups(rows: Iterable[Row], comments: dict[str, str] | None = None) -> list[Group]:
    """The groups of rows: green first, then red, then errors; within them by signature, params, factor."""
    found: dict[str, Group] = {}
    for row in rows:
        if row.group not in found:
            found[row.group] = Group(row.group, row.status, row.signature, list(row.params), row.factor, [],
                                     (comments or {}).get(row.group, ""))
        found[row.group].rows.append(row)
    by_signature: dict[str | None, int] = {}
    by_params: dict[tuple[str | None, tuple[str, ...]], int] = {}
    for group in found.values():
        by_signature[group.signature] = by_signature.get(group.signature, 0) + len(group.rows)
        params = (group.signature, tuple(group.params))
        by_params[params] = by_params.get(params, 0) + len(group.rows)
    # Signature, then params, then factor: each level by size (largest first), then by name.
    return sorted(found.values(), key=lambda g: (
        STATUSES.index(g.status), -by_signature[g.signature], g.signature or "",
        -by_params[(g.signature, tuple(g.params))], g.params, -len(g.rows), g.key))


def to_json(kata: str, rows: list[Row], all_groups: list[Group], settings: dict[str, Any]) -> str:
    """gradebook.json: the settings of the run, every row (the CSV's fields, the evidence, the
    probes, the group key and its comment), and every group with its count and comment."""
    document = {
        "version": FORMAT_VERSION,
        "kata": kata,
        "settings": settings,
        "submissions": [dict(dataclasses.asdict(row), group=row.group) for row in rows],
        "groups": [{"key": g.key, "status": g.status, "signature": g.signature, "params": g.params,
                    "factor": g.factor, "count": len(g.rows), "submissions": [r.submission for r in g.rows],
                    "comment": g.comment} for g in all_groups],
    }
    return json.dumps(document, indent=2)


def load_comments(path: str | os.PathLike[str]) -> dict[str, str]:
    """group key -> comment, from a comments TOML (`"localized|W1,b1|" = "..."`, top level or
    under [comments]). A CommentsError names the file, the key and the fix."""
    path = pathlib.Path(path)
    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
    except OSError as exc:
        raise CommentsError("%s cannot be read: %s" % (path, exc.strerror or exc))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CommentsError("%s is not valid TOML (%s): download it again from the class report, or fix the line"
                            % (path, exc))
    table = data.get("comments", data)
    if not isinstance(table, dict):
        raise CommentsError("%s: [comments] is not a table: write `\"signature|params|factor\" = \"comment\"` lines"
                            % path)
    comments = {}
    for key, value in table.items():
        if not isinstance(value, str):
            raise CommentsError("%s: the comment of %r is not a string: quote it (\"...\" or '''...''')" % (path, key))
        if key.count("|") != 2:
            raise CommentsError("%s: %r is not a group key: a key is signature|params|factor, as the class report "
                                "shows it (e.g. \"localized|W1,b1|\")" % (path, key))
        comments[key] = value
    return comments


def toml_string(text: str) -> str:
    """text as a TOML basic string: JSON's escapes are TOML's, and DEL, which JSON leaves as it is, is escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def comments_toml(comments: dict[str, str]) -> str:
    """The comments file load_comments reads (what the class report's button downloads)."""
    lines = ["# Comments of `kata grade`, one per group: signature|params|factor = comment.",
             "# Grade again with --comments FILE to attach them to every submission of the group.", "[comments]"]
    lines += ["%s = %s" % (toml_string(key), toml_string(value)) for key, value in comments.items()]
    return "\n".join(lines) + "\n"

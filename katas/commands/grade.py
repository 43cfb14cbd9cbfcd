"""`kata grade`: grade a class's files for one kata, or one Gradescope submission.

Judges every submission with the sandbox and the diagnoser of `kata check` (the same verdicts,
the same time limit), several at once (--jobs, default one per CPU), one probe seed for the whole
class so that the factors of a group agree, and writes to --out (default ./grades):
gradebook.csv (submission, kata, status, score, max_score, signature, params, factor, seed,
seconds, error), gradebook.json (the same, the evidence, the probes and each group's comment) and
class-report.html (the submissions grouped by signature, then params, then factor, with a
comment box per group and a button that downloads the comments; --comments FILE reads them back
on the next run). A SUBMISSION is a .py file, or a folder: each sub-folder is one learner (its
one .py file, or the kata's file name), each .py file directly inside it one learner. The
submitted files are only read: each check runs on a copy. A file that crashes, hangs past the
time limit, ends its process or imports the reference is one row with status error.
Score: max_score (1 by default) for green; for red, max_score x the fraction of probes passed x
partial (0 by default: [tool.backprop-kata.grade] partial in pyproject.toml, or --partial); 0
for an error.
--gradescope grades the one file of --submission (default /autograder/submission) and writes
Gradescope's results.json to --results (default /autograder/results/results.json).
Exit code: 0 when the files were written, 1 when they could not be, 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time
from typing import Any

from katas import sandbox
from katas.catalogue import Card
from katas.commands import argtypes, common
from katas.grading import classreport, gradebook, gradescope, pool, scoring, submissions
from katas.grading.gradebook import Row
from katas.learner.katafile import kata_filename

# The line `kata --help` shows; the module docstring is the long description.
HELP = "grade a class's files for one kata (gradebook, class report), or one Gradescope submission."
BAR = 30  # characters of the progress bar


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("grade", help=HELP, description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", nargs="*", metavar="SUBMISSION",
                        help="a .py file, or a folder of learners' folders or files")
    parser.add_argument("--kata", required=True, metavar="ID", help="the kata the files are solutions of")
    parser.add_argument("--course", default=None, metavar="FILE",
                        help="grade by a course's conventions (its L2 penalty, mean or sum over the batch): a "
                             "pyproject.toml with [tool.backprop-kata.course] or a course TOML (default: $KATA_COURSE, "
                             "else this project's)")
    parser.add_argument("--jobs", type=argtypes.positive_int, default=None, metavar="N",
                        help="checks at once (default: one per CPU)")
    parser.add_argument("--out", default="grades", metavar="DIR", help="where the gradebook goes (default: ./grades)")
    parser.add_argument("--comments", default=None, metavar="FILE",
                        help="the comments TOML the class report downloads, attached to every submission of a group")
    parser.add_argument("--partial", type=float, default=None, metavar="FRACTION",
                        help="partial credit of a red file: its fraction of probes passed times this (default: "
                             "[tool.backprop-kata.grade] partial in pyproject.toml, else 0)")
    parser.add_argument("--max-score", type=argtypes.positive_float, default=None, metavar="POINTS",
                        help="points per submission (default: [tool.backprop-kata.grade] max_score, else 1)")
    parser.add_argument("--seed", type=argtypes.probe_seed, default=None, metavar="N",
                        help="the probe seed of every check (default: $KATA_SEED, else one drawn for the class)")
    parser.add_argument("--gradescope", action="store_true",
                        help="grade one Gradescope submission and write its results.json")
    parser.add_argument("--submission", default=gradescope.SUBMISSION_DIR, metavar="DIR",
                        help="with --gradescope: the submission folder (default: %s)" % gradescope.SUBMISSION_DIR)
    parser.add_argument("--results", default=gradescope.RESULTS_PATH, metavar="PATH",
                        help="with --gradescope: where results.json goes (default: %s)" % gradescope.RESULTS_PATH)
    common.add_time_limit_argument(parser)
    return parser


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    try:
        card = common.find(args.kata)
        common.use_course(args.course)
        policy = scoring.load_policy(scoring.find_pyproject(), args.partial, args.max_score)
        comments = gradebook.load_comments(args.comments) if args.comments else {}
        if args.gradescope:
            if args.submissions:
                raise common.UsageError("--gradescope grades the folder of --submission, not %s"
                                        % " ".join(args.submissions))
        else:
            found = submissions.collect(args.submissions, kata_filename(card))
            if not found:
                raise common.UsageError("no submissions to grade: give .py files or folders of them (%s)" % (
                    " ".join(args.submissions) or "none given"))
    except (common.UsageError, scoring.PolicyError, gradebook.CommentsError, submissions.SubmissionError) as exc:
        return common.fail(exc)
    seed = args.seed
    if seed is None:
        seed, warning = sandbox.seed_setting()
        if warning:
            common.to_stderr("warning: %s" % warning)
    time_limit = common.time_limit(args)
    if args.gradescope:
        return grade_gradescope(args, card, policy, seed, time_limit, out)
    return grade_class(args, card, found, policy, comments, seed, time_limit, out)


def settings(card: Card, policy: scoring.Policy, seed: int, time_limit: float, jobs: int) -> dict[str, Any]:
    return {"kata": card.id, "network": card.network, "seed": seed, "time_limit": time_limit, "jobs": jobs,
            "partial": policy.partial, "max_score": policy.max_score}


class Progress:
    """One line, rewritten with \\r, when standard output is a terminal; nothing otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.counts = {"green": 0, "red": 0, "error": 0}

    def __call__(self, index: int, result: sandbox.Result) -> None:
        self.counts[result.verdict if result.verdict in self.counts else "error"] += 1
        if not self.enabled:
            return
        done = sum(self.counts.values())
        filled = BAR * done // max(1, self.total)
        sys.stdout.write("\r[%s%s] %d/%d  green %d  red %d  error %d" % (
            "#" * filled, "." * (BAR - filled), done, self.total, self.counts["green"], self.counts["red"],
            self.counts["error"]))
        sys.stdout.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stdout.write("\n")
            sys.stdout.flush()


def grade_class(args: argparse.Namespace, card: Card, found: list[submissions.Submission], policy: scoring.Policy,
                comments: dict[str, str], seed: int, time_limit: float, out: common.Out) -> int:
    started = time.perf_counter()
    jobs = args.jobs or pool.default_jobs()
    rows: list[Row | None] = [None] * len(found)
    tasks, where = [], []
    for index, submission in enumerate(found):
        if submission.path is None:
            rows[index] = gradebook.error_row(submission.name, card.id, submission.problem, policy.max_score, seed)
        else:
            tasks.append(pool.Task(str(submission.path), card.network, card.hidden_layers, seed, time_limit))
            where.append(index)
    progress = Progress(len(found), sys.stdout.isatty() and out is print)
    for row in rows:
        if row is not None:
            progress(0, sandbox.Result("error", row.error))
    for task_index, result in pool.grade_all(tasks, jobs, done=progress):
        index = where[task_index]
        rows[index] = gradebook.make_row(found[index].name, card.id, result, scoring.score(result, policy))
    progress.finish()
    graded = [row for row in rows if row is not None]
    groups = gradebook.groups(graded, comments)
    for group in groups:
        for row in group.rows:
            row.comment = group.comment
    unused = sorted(set(comments) - {group.key for group in groups})
    run_settings = settings(card, policy, seed, time_limit, jobs)
    folder = pathlib.Path(args.out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write(folder / "gradebook.csv", gradebook.to_csv(graded))
        write(folder / "gradebook.json", gradebook.to_json(card.id, graded, groups, run_settings))
        write(folder / "class-report.html", classreport.render(card.id, graded, groups, run_settings))
    except OSError as exc:
        return common.unchangeable(OSError("the gradebook cannot be written to %s: %s" % (folder, exc.strerror or exc)))
    seconds = time.perf_counter() - started
    counts = progress.counts
    total = sum(row.score for row in graded)
    out("graded %d submissions of kata %s in %.1f s (%d at once, probe seed %d): %d green, %d red, %d could not be "
        "checked; %g of %g points" % (len(graded), card.id, seconds, jobs, seed, counts["green"], counts["red"],
                                     counts["error"], round(total, 6), round(policy.max_score * len(graded), 6)))
    out("%d groups; written: %s" % (len(groups), ", ".join(str(folder / name) for name in (
        "gradebook.csv", "gradebook.json", "class-report.html"))))
    if unused:
        common.print_warnings(["%s has comments for groups no submission is in: %s" % (args.comments, ", ".join(
            unused))])
    return 0


def write(path: pathlib.Path, text: str) -> None:
    """Write text to path through a temporary file, so a reader never sees half a file."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def grade_gradescope(args: argparse.Namespace, card: Card, policy: scoring.Policy, seed: int, time_limit: float,
                     out: common.Out) -> int:
    path, problem = gradescope.find_submission(args.submission, kata_filename(card))
    if path is None:
        result = sandbox.Result("error", problem, seed=seed)
        shown = str(args.submission)
    else:
        result = pool.check(pool.Task(str(path), card.network, card.hidden_layers, seed, time_limit))
        shown = str(path)
    score = scoring.score(result, policy)
    row = gradebook.make_row(path.name if path else "submission", card.id, result, score)
    document = gradescope.results(card, result, score, row, shown)
    target = pathlib.Path(args.results)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write(target, json.dumps(document, indent=2))
    except OSError as exc:
        return common.unchangeable(OSError("%s cannot be written: %s" % (target, exc.strerror or exc)))
    out("kata %s: %s, %g of %g; results written to %s" % (card.id, row.status, score.score, score.max_score, target))
    return 0

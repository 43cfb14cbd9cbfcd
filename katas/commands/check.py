"""`kata check`: run the checker and the diagnoser on your kata file and print the verdict.

Loads your file in a separate process (with a time limit, so a loop or a crash in your code
cannot take the runner down) and diagnoses its `loss` against the reference: the signature,
the evidence and the per-parameter table of the gradient check. Green exactly when the
diagnosis is ok; the first green marks the kata solved. Without an ID, checks the current
kata (the one you started most recently and have not solved). --json prints a results.json
document instead, as exercism's test runners write it (interface version 3: status pass / fail /
error, one test per probe; the diagnosis itself under "kata"). --plot
writes a heatmap of the base probe's per-entry relative errors, one panel per parameter (a
missing ReLU mask shows as whole columns of W1, a transpose as a pattern); it needs matplotlib
(python -m pip install matplotlib). A PATH after --plot ends in .png or holds a path
separator; anything else is the kata's id (`kata check --plot ID` is `kata check ID --plot`).
The bytes checked are read once; a kata is marked solved only when the file still holds them
after the check, and what the check destroyed in the workspace is put back (katas.learner.guard). A
problem with the workspace (progress.json, a file put back) is one warning line after the verdict.
Exit code: 0 green, 1 red or not checkable, 2 usage error (no such kata, not started).
"""
import argparse
import json
import os
import pathlib

from katas.catalogue import Card
from katas.commands import argtypes, common
from katas.learner import report
from katas.sandbox import Result

# The line `kata --help` shows; the module docstring is the long description.
HELP = "run the checker and the diagnoser on your kata file and print the verdict."


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("check", help=HELP, description=__doc__)
    parser.add_argument("id", nargs="?", help="the kata's id (default: the current kata)")
    parser.add_argument("--json", action="store_true", help="print a results.json document on standard output")
    parser.add_argument("--course", default=None, metavar="FILE",
                        help="judge by a course's conventions (its L2 penalty, mean or sum over the batch): a "
                             "pyproject.toml with [tool.backprop-kata.course] or a course TOML (default: $KATA_COURSE, "
                             "else this project's)")
    parser.add_argument("--plot", nargs="?", const="", default=None, metavar="PATH",
                        help="also write a heatmap of per-entry relative errors to PATH, which ends in .png or "
                             "holds a path separator (default: next to your kata file, with the extension .png)")
    parser.add_argument("--seed", type=argtypes.probe_seed, default=None, metavar="N",
                        help="the probe seed a report printed, to repeat exactly those probes (default: a "
                             "fresh one per check)")
    common.add_workspace_argument(parser)
    common.add_time_limit_argument(parser)
    return parser


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    try:
        take_id_from_plot(args)
        common.use_course(args.course)
        ws, card, path = common.started_kata(args, common.to_stderr if args.json else out)
    except common.UsageError as exc:
        if args.json:
            out(json.dumps(report.usage_document(str(exc)), indent=2))
        return common.fail(exc)
    checked = common.check_kata(ws, card, path, common.time_limit(args), entries=args.plot is not None, seed=args.seed)
    result = checked.result
    warnings = ws.take_warnings()
    if args.json:
        document = report.results_document(card, result, path, ws.root)
        document[report.EXTRA_KEY]["warnings"] += warnings
        out(json.dumps(document, indent=2))
    else:
        for line in report.terminal(card, result, ws.display(path)) + common.next_steps(ws, card, checked):
            out(line)
    if args.plot is not None:
        (common.to_stderr if args.json else out)(draw(card, result, path, args.plot))
    common.print_warnings(warnings)
    return 0 if result.green else 1


def is_plot_path(text: str) -> bool:
    """Whether text after --plot is a file to write (ends in .png or holds a path separator)."""
    separators = [sep for sep in (os.sep, os.altsep, "/") if sep]
    return text.lower().endswith(".png") or any(sep in text for sep in separators)


def take_id_from_plot(args: argparse.Namespace) -> None:
    """`kata check --plot ID`: argparse gave the id to --plot; give it back to the id, and
    --plot its default path. A UsageError when there is an id already and --plot's value is no PATH."""
    if not args.plot or is_plot_path(args.plot):
        return
    if args.id is not None:
        raise common.UsageError("--plot %s: a heatmap's PATH ends in .png or holds a path separator (e.g. "
                                "--plot ./%s.png); `--plot` alone writes it next to your kata file" % (
                                    args.plot, args.plot))
    args.id, args.plot = args.plot, ""


def draw(card: Card, result: Result, path: pathlib.Path, target: str) -> str:
    """Write the heatmap and say where, or say why there is none."""
    from katas.learner import plots

    target = target or str(path.with_suffix(".png"))
    if not result.entries:
        return "no heatmap: the check did not get as far as a full gradient check (%s)" % result.problem
    try:
        written = plots.heatmaps(plots.report_from_entries(result.entries), target,
                                 "%s: per-entry relative error, base probe (%s)" % (
                                     card.id, result.signature or result.verdict))
    except plots.MatplotlibMissing as exc:
        return "no heatmap: %s" % exc
    return "heatmap written to %s" % written

"""`kata reset`: put a kata's pristine file back, keeping your file as a timestamped backup.

Your current file moves to backups/NN-id.<timestamp>.py in the workspace (nothing is
deleted), the pristine file takes its place, and the kata becomes the current one, in
progress again: a solved kata is no longer marked solved (reset says so) until it is green
again. Revealed hints stay revealed, and a solution once unlocked stays unlocked. A file that
Python reads as the pristine kata (saved with a byte-order mark or CRLF line endings) needs no
backup and is left as it is. When the file cannot be moved or written, nothing is lost: the
error says where your file is, and the exit code is 1.
"""
import argparse

from katas.commands import common
from katas.learner import progress, workspace

HELP = "put a kata's pristine file back, keeping your file as a timestamped backup."  # the line `kata --help` shows; the module docstring is the long description


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("reset", help=HELP, description=__doc__)
    parser.add_argument("id", help="the kata's id")
    common.add_workspace_argument(parser)
    return parser


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    try:
        ws = common.open_workspace(args)
        card = common.find(args.id)
        if ws.entry(card) is None and not ws.kata_path(card).exists():
            raise common.UsageError("kata %s is not started, so there is nothing to reset: `kata start %s`" % (
                card.id, card.id))
    except common.UsageError as exc:
        return common.fail(exc)
    path = ws.kata_path(card)
    was_solved = ws.state(card) is progress.State.SOLVED
    try:
        backup = ws.reset(card)
    except workspace.WorkspaceError as exc:
        code = common.unchangeable(exc)
        common.show_warnings(ws)
        return code
    if backup is not None:
        out("Your previous file is kept as %s" % ws.display(backup))
        out("%s is pristine again: the kata as it was handed out." % ws.display(path))
    else:
        out("%s is the pristine kata (it was unchanged or missing, so no backup was needed)." % ws.display(path))
    if was_solved:
        out("Kata %s was solved; it is in progress again; its solution stays unlocked (kata solution %s)." % (
            card.id, card.id))
    common.show_warnings(ws)
    return 0

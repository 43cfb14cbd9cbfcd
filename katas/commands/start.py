"""`kata start`: write a kata's file into your workspace and make it the current kata.

The file is the whole network module with the card's bug in it, under a header with the
card's story. Without an ID, starts the first kata you have not started yet. It never
overwrites your work: starting a kata again only says where its file is (`kata reset ID`
starts over, keeping your file as a backup). When the file cannot be written (a full or
read-only disk) it says so, records nothing, and the exit code is 1.
"""
import argparse

from katas.commands import common
from katas.learner import progress, report, workspace

HELP = "write a kata's file into your workspace and make it the current kata."  # the line `kata --help` shows; the module docstring is the long description


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("start", help=HELP, description=__doc__)
    parser.add_argument("id", nargs="?", help="the kata's id, as `kata list` shows it (default: the next one)")
    common.add_workspace_argument(parser)
    return parser


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    try:
        ws = common.open_workspace(args)
        if args.id:
            card = common.find(args.id)
        else:
            cards, _ = common.catalogue_cards()
            upcoming = common.next_unstarted(ws, cards)
            if upcoming is None:
                raise common.UsageError("every kata is started already; `kata list` shows where you are")
            card = upcoming
        path, created = ws.start(card)
    except common.UsageError as exc:
        return common.fail(exc)
    except workspace.WorkspaceError as exc:
        code = common.unchangeable(exc)
        common.show_warnings(ws)
        return code
    shown = ws.display(path)
    if not created:
        state = ws.state(card)
        out("%s is already started (%s): your work is in %s" % (report.label(card), state.display, shown))
        if state is progress.State.SOLVED:
            out("It is solved: name it to work on it again (kata check %s); to start over from the pristine "
                "file: kata reset %s" % (card.id, card.id))
        else:
            out("It is the current kata again. To start over from the pristine file: kata reset %s" % card.id)
        common.show_warnings(ws)
        return 0
    out("Started %s: %s" % (report.label(card), card.learner_title))
    out("Your file: %s" % shown)
    out("")
    for line in card.story.splitlines():
        out("  " + line)
    out("")
    if card.equivalent:
        out("This kata's change may or may not be a bug: run the check first, before you change anything:")
    else:
        out("Open the file in your editor and fix the bug. Then:")
    for command, what in (("check", "check it once (green when the diagnosis is ok)"),
                          ("watch", "re-check on every save, until green"),
                          ("hint", "reveal the next hint")):
        out("  %-*s  %s" % (len(card.id) + 11, "kata %s %s" % (command, card.id), what))
    common.show_warnings(ws)
    return 0

"""`kata start`: write a kata's file into your workspace and make it the current kata.

The file is the whole network module with the card's bug in it, under a header with the
card's story. Without an ID, starts the first kata you have not started yet. It never
overwrites your work: starting a kata again only says where its file is (`kata reset ID`
starts over, keeping your file as a backup). When the file cannot be written (a full or
read-only disk) it says so, records nothing, and the exit code is 1.
--notebook also writes the kata as a Jupyter notebook beside the file, NN-id.ipynb (the story,
the network, a cell that checks it in the notebook's kernel), never over an existing one; the
kata file stays what `kata check` judges (docs/notebooks.md).
"""
import argparse
import pathlib

from katas.catalogue import Card
from katas.commands import common
from katas.learner import files, notebookfile, progress, report, workspace

HELP = "write a kata's file into your workspace and make it the current kata."  # the line `kata --help` shows; the module docstring is the long description


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("start", help=HELP, description=__doc__)
    parser.add_argument("id", nargs="?", help="the kata's id, as `kata list` shows it (default: the next one)")
    parser.add_argument("--notebook", action="store_true",
                        help="also write the kata as a Jupyter notebook, NN-id.ipynb, beside its file")
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
    notes: list[str] = []
    notebook_code = write_notebook(ws, card, path, notes.append) if getattr(args, "notebook", False) else 0
    if not created:
        state = ws.state(card)
        out("%s is already started (%s): your work is in %s" % (report.label(card), state.display, shown))
        if state is progress.State.SOLVED:
            out("It is solved: name it to work on it again (kata check %s); to start over from the pristine "
                "file: kata reset %s" % (card.id, card.id))
        else:
            out("It is the current kata again. To start over from the pristine file: kata reset %s" % card.id)
        for note in notes:
            out(note)
        common.show_warnings(ws)
        return notebook_code
    out("Started %s: %s" % (report.label(card), card.learner_title))
    out("Your file: %s" % shown)
    for note in notes:
        out(note)
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
    return notebook_code


def write_notebook(ws: workspace.Workspace, card: Card, path: pathlib.Path, out: common.Out) -> int:
    """Write the kata's notebook beside its file unless one is there; say which. 1 when it cannot be written."""
    notebook = path.with_name(notebookfile.notebook_filename(card))
    shown = ws.display(notebook)
    try:
        created = notebookfile.write_notebook(notebook, card)
    except OSError as exc:
        return common.unchangeable(workspace.WorkspaceError(
            "could not write %s (%s): free some disk space or make the workspace writable, then run "
            "`kata start %s --notebook` again" % (shown, files.describe(exc), card.id)))
    if created:
        out("Your notebook: %s (open it in Jupyter: its last cell checks `loss` in the notebook's kernel; "
            "`kata check %s` judges the file)" % (shown, card.id))
    else:
        out("Your notebook %s is there already: left as it is" % shown)
    return 0

"""`kata solution`: the reference fix of a kata, once you have solved it (or with --force).

Shows the reference diff (a unified diff from the kata as it was handed out to the
reference code, under the same header) and the card's explanation of the fix. Once a kata
was green it stays unlocked, also after `kata reset`. Without an ID, the current kata: the one
started last, also once it is solved (else the most recently started unsolved one).
"""
import argparse
import difflib

from katas.catalogue import Card
from katas.commands import common
from katas.learner import katafile, report, workspace

# The line `kata --help` shows; the module docstring is the long description.
HELP = "the reference fix of a kata, once you have solved it (or with --force)."


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("solution", help=HELP,
                                   description=__doc__)
    parser.add_argument("id", nargs="?", help="the kata's id (default: the current kata)")
    parser.add_argument("--force", action="store_true", help="show it even though the kata is not solved")
    common.add_workspace_argument(parser)
    return parser


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    try:
        ws = common.open_workspace(args)
        card = common.find(args.id) if args.id else current(ws, out)
    except common.UsageError as exc:
        return common.fail(exc)
    if not ws.ever_solved(card) and not args.force:
        if ws.entry(card) is None:
            out("%s is not started: `kata start %s`, make it green, then the solution is yours "
                "(or see it now with --force)." % (report.label(card), card.id))
        else:
            out("The solution of %s unlocks once `kata check %s` is green. Stuck? `kata hint %s`, "
                "or see it now with `kata solution %s --force`." % (report.label(card), card.id, card.id, card.id))
        common.show_warnings(ws)
        return 1
    out("%s: %s" % (report.label(card), card.title))
    out("")
    if card.equivalent:
        out("The diff back to the reference (the kata as handed out -> the reference; it changes no result):")
    else:
        out("The reference diff (the kata as handed out -> the reference):")
    for line in reference_diff(card):
        out(line)
    out("")
    out("Why:" if card.equivalent else "The fix:")
    for line in card.fix.splitlines():
        out("  " + line)
    common.show_warnings(ws)
    return 0


def current(ws: workspace.Workspace, out: common.Out) -> Card:
    """The kata started last, solved or not (its solution is what one asks for after a green
    check), else the current kata as check means it; saying which."""
    last = ws.progress.current
    if last is None or last not in ws.progress.katas:
        return common.card_or_current(ws, None, out)
    out("(current kata: %s)" % last)
    return common.find(last)


def reference_diff(card: Card) -> list[str]:
    """Unified diff lines from the pristine kata file to the same file with the reference code."""
    name = katafile.kata_filename(card)
    lines = list(difflib.unified_diff(
        katafile.render_kata(card).splitlines(), katafile.render_solution(card).splitlines(),
        "kata/%s" % name, "reference/%s" % name, lineterm=""))
    return lines or ["  (no difference: this kata's change is equivalent to the reference)"]

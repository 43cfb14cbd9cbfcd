"""`kata hint`: reveal the next hint of a kata; the hints already revealed stay visible.

Hints go from general to specific, and the last one is a question, not the answer. Each call
reveals one more and shows all revealed so far, also after the kata is solved. Without an
ID, the current kata.
"""
from katas.commands import common
from katas.learner import report


def register(subparsers):
    parser = subparsers.add_parser("hint", help=__doc__.splitlines()[0].split(": ", 1)[1], description=__doc__)
    parser.add_argument("id", nargs="?", help="the kata's id (default: the current kata)")
    common.add_workspace_argument(parser)
    return parser


def run(args, out=print):
    try:
        ws = common.open_workspace(args)
        card = common.card_or_current(ws, args.id, out)
        common.started(ws, card)
    except common.UsageError as exc:
        return common.fail(exc)
    for line in reveal(ws, card):
        out(line)
    common.show_warnings(ws)
    return 0


def reveal(ws, card):
    """Reveal one more hint and return the lines to print."""
    revealed, grew = ws.reveal_hint(card)
    total = len(card.hints)
    lines = ["%s: hint %d of %d" % (report.label(card), revealed, total)]
    for number, hint in enumerate(card.hints[:revealed], start=1):
        lines.append("  %d. %s" % (number, hint))
    if revealed < total:
        lines.append("%d more: run `kata hint %s` again." % (total - revealed, card.id))
    elif ws.ever_solved(card):
        lines.append("No more hints. %s: kata solution %s" % ("Why" if card.equivalent else "The reference fix",
                                                               card.id))
    else:
        lines.append("No more hints%s. Once `kata check %s` is green, `kata solution %s` shows %s." % (
            "" if grew else " (that was all of them)", card.id, card.id,
            "why" if card.equivalent else "the reference fix"))
    return lines

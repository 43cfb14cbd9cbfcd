"""`kata list`: the curriculum, each kata's state and your progress (also plain `kata`).

Lists every kata in curriculum order with its state (not started, in progress, solved) and
the hints you have revealed, counts your progress, and names the current kata. A card file
that cannot be loaded is listed as broken, with the reason; a card that still holds a
placeholder (TO WRITE) is listed as unfinished (for instructors), with the fields left to
write, and cannot be started or checked; the others work as usual.
"""
import argparse

from katas import catalogue
from katas.commands import common
from katas.learner.workspace import State

HELP = "the curriculum, each kata's state and your progress (also plain `kata`)."  # the line `kata --help` shows; the module docstring is the long description


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("list", help=HELP, description=__doc__)
    common.add_workspace_argument(parser)
    return parser


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    try:
        ws = common.open_workspace(args)
        found = common.learner_catalogue()
    except common.UsageError as exc:
        return common.fail(exc)
    cards, unfinished, broken = found.cards, found.unfinished, found.broken
    width = max([len(c.id) for c in cards + unfinished] + [4])
    out("%3s  %-*s  %-11s  %-5s  %s" % ("#", width, "kata", "state", "hints", "title"))
    counts = {state: 0 for state in State}
    for card in sorted(cards + unfinished, key=lambda c: (c.order, c.id)):
        if card in unfinished:
            out("%3s  %-*s  %-11s  %-5s  %s" % ("%02d" % card.order, width, card.id, "unfinished", "",
                                               "unfinished (for instructors): %s still %s" % (
                                                   ", ".join(catalogue.unfinished_fields(card)),
                                                   catalogue.PLACEHOLDER)))
            continue
        state = ws.state(card)
        counts[state] += 1
        entry = ws.entry(card)
        hints = "%d/%d" % (entry.hints_revealed, len(card.hints)) if entry else ""
        shown = "-" if state is State.NOT_STARTED else state.display
        out("%3s  %-*s  %-11s  %-5s  %s" % ("%02d" % card.order, width, card.id, shown, hints, card.learner_title))
    for error in broken:
        out("%3s  %-*s  %-11s  %-5s  %s" % ("!!", width, error.path.stem, "broken", "", error))
    out("")
    summary = "%d of %d solved, %d %s" % (counts[State.SOLVED], len(cards), counts[State.STARTED],
                                          State.STARTED.display)
    if unfinished:
        summary += ", %d unfinished card%s (for instructors)" % (len(unfinished), "s" if len(unfinished) > 1 else "")
    if broken:
        summary += ", %d broken card file%s" % (len(broken), "s" if len(broken) > 1 else "")
    out("%s. Workspace: %s" % (summary, ws.display(ws.root)))
    current = ws.current_id()
    if current:
        out("Current kata: %s. `kata check` checks it, `kata hint %s` gives a hint." % (current, current))
    else:
        upcoming = common.next_unstarted(ws, cards)
        if upcoming is not None:
            verb = "Begin" if not ws.progress.katas else "Next"
            out("%s with: kata start %s" % (verb, upcoming.id))
        elif cards:
            out("Every kata is solved.")
    common.show_warnings(ws)
    return 0

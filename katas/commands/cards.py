"""`kata cards`: list the bug-card catalogue with each card's expected and diagnosed signature.

Builds every card's buggy variant, runs the diagnoser on it, and prints id, title, expected
signature, diagnosed signature and whether they agree. Broken card files are listed with the
reason. Reads the catalogue in $KATA_CARDS when set, like every other command. Exit code 0 when every card agrees and none is broken.
"""
from katas import catalogue, learner, workspace
from reference import diagnose


def register(subparsers):
    parser = subparsers.add_parser("cards", help="list the bug cards with expected and diagnosed signatures",
                                   description=__doc__)
    return parser


def rows():
    """(card, diagnosis or None, problems) for every card, and the broken card errors."""
    cards, broken = catalogue.load_catalogue(workspace.cards_dir())
    out = []
    for card in cards:
        try:
            diagnosis = diagnose.diagnose(catalogue.variant(card).loss, hidden_layers=card.hidden_layers)
        except catalogue.CardError as exc:
            out.append((card, None, [str(exc)]))
            continue
        except Exception as exc:  # noqa: BLE001 - a card's source that fails to build
            out.append((card, None, ["the variant does not build: %s: %s" % (type(exc).__name__, exc)]))
            continue
        out.append((card, diagnosis, catalogue.expectation_errors(card, diagnosis)))
    return out, broken


def run(args, out=print):
    try:
        learner.cards_folder()
    except learner.UsageError as exc:
        return learner.fail(exc)
    table, broken = rows()
    width = max([len(c.id) for c, _, _ in table] + [2])
    title_width = min(max([len(c.title) for c, _, _ in table] + [5]), 60)
    out("%-3s %-*s %-*s %-14s %-14s %s" % ("#", width, "id", title_width, "title", "expected", "diagnosed", "agree"))
    agree = 0
    for card, diagnosis, problems in table:
        title = card.title if len(card.title) <= title_width else card.title[:title_width - 1] + "…"
        out("%-3d %-*s %-*s %-14s %-14s %s" % (
            card.order, width, card.id, title_width, title, card.signature,
            diagnosis.signature if diagnosis else "-", "yes" if not problems else "NO: " + "; ".join(problems)))
        agree += not problems
    for error in broken:
        out("broken card: %s" % error)
    out("%d of %d cards agree%s" % (agree, len(table), ", %d broken" % len(broken) if broken else ""))
    return 0 if agree == len(table) and not broken else 1

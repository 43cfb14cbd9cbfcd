"""`kata cards`: list the bug-card catalogue with each card's expected and diagnosed signature.

Builds every card's buggy variant and diagnoses it in the sandbox (a separate process per
variant, with a time limit, several at once: katas.catalogue.sandboxed), then prints id, title, expected
signature, diagnosed signature and whether they agree. A variant that hangs, ends the process
or crashes is diagnosed `error`, with the sandbox's sentence saying what happened. Broken card
files are listed with the reason. Reads the catalogue in $KATA_CARDS when set, like every other
command. Exit code 0 when every card agrees and none is broken, 1 otherwise, 2 for a usage error.
"""
import argparse
from collections.abc import Iterable, Iterator

from katas import catalogue
from katas.catalogue import Card, sandboxed
from katas.learner import katafile
from katas.commands import argtypes, common


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("cards", help="list the bug cards with expected and diagnosed signatures",
                                   description=__doc__)
    parser.add_argument("--time-limit", type=argtypes.positive_float, default=None, metavar="SECONDS",
                        help="time limit of each variant's check (default: $KATA_TIME_LIMIT, else 10)")
    parser.add_argument("--jobs", type=argtypes.positive_int, default=None, metavar="N",
                        help="checks run at once (default: the number of CPUs, at most %d)" % sandboxed.MAX_WORKERS)
    return parser


def rows(cards: Iterable[Card], time_limit: float | None = None,
         workers: int | None = None) -> Iterator[tuple[Card, sandboxed.Verdict | None, list[str]]]:
    """(card, Verdict or None, problems) for every card, in order, as the checks finish."""
    jobs: list[sandboxed.Job] = []
    built: list[tuple[Card, str | None]] = []
    for card in cards:
        try:
            source = katafile.render_kata(card)  # the file a learner gets: standalone
        except catalogue.CardError as exc:
            built.append((card, str(exc)))
            continue
        built.append((card, None))
        jobs.append(sandboxed.Job(source, katafile.kata_filename(card), card.hidden_layers, card.network))
    verdicts = sandboxed.judge_all(jobs, time_limit=time_limit, workers=workers)
    for card, error in built:
        if error is not None:
            yield card, None, [error]
            continue
        verdict = next(verdicts)
        if verdict.error:
            yield card, verdict, ["the variant could not be checked: %s" % verdict.problem]
        else:
            yield card, verdict, catalogue.expectation_errors(card, verdict)


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    try:
        directory = common.cards_folder()
    except common.UsageError as exc:
        return common.fail(exc)
    time_limit = common.time_limit(args)
    cards, broken = catalogue.load_catalogue(directory)
    width = max([len(c.id) for c in cards] + [2])
    title_width = min(max([len(c.title) for c in cards] + [5]), 60)
    out("%-3s %-*s %-*s %-14s %-14s %s" % ("#", width, "id", title_width, "title", "expected", "diagnosed", "agree"))
    agree = 0
    for card, verdict, problems in rows(cards, time_limit, args.jobs):
        title = card.title if len(card.title) <= title_width else card.title[:title_width - 1] + "…"
        diagnosed = "-" if verdict is None else "error" if verdict.error else verdict.signature
        out("%-3d %-*s %-*s %-14s %-14s %s" % (
            card.order, width, card.id, title_width, title, card.signature, diagnosed,
            "yes" if not problems else "NO: " + "; ".join(problems)))
        agree += not problems
    for error in broken:
        out("broken card: %s" % error)
    out("%d of %d cards agree%s" % (agree, len(cards), ", %d broken" % len(broken) if broken else ""))
    return 0 if agree == len(cards) and not broken else 1

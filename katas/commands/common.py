"""What the learner commands share: --workspace, --time-limit, finding a kata by id, usage errors.

What it is for: one place that turns "kata check foo" into a card and a workspace, or into
a usage error that says what to type instead (exit code 2): no such kata, not started, a
workspace or a $KATA_CARDS that is not a folder. Broken card files never stop a
command about another card: they are only reported by `kata list` and `kata dev check`.
Warnings about the workspace (a repaired progress file, files put back after a check) are
printed after a command's own output, one line each.
What it is not for: running checks (katas.sandbox) or keeping progress (katas.learner.workspace).
"""
from __future__ import annotations

import argparse
import dataclasses
import difflib
import os
import pathlib
import sys
from collections.abc import Callable, Iterable, Sequence

from katas import catalogue, sandbox
from katas.catalogue import Card, CardError
from katas.commands import argtypes
from katas.evaluator.launch import Evaluator
from katas.learner import guard, report, workspace
from katas.learner.workspace import Workspace
from katas.paths import display

USAGE = 2
# Where a command's lines go: print, or a test's list.append.
Out = Callable[[str], object]


def to_stderr(text: str) -> None:
    """Print a line on standard error (usage errors and warnings go there)."""
    print(text, file=sys.stderr)


class UsageError(Exception):
    """A command that cannot run as typed; the message says what to type instead."""


def add_workspace_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="DIR", default=None,
                        help="the workspace folder (default: $%s, else the workspace you are in, else ./%s)" % (
                            workspace.WORKSPACE_ENV, workspace.DEFAULT_DIR))


def add_time_limit_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--time-limit", type=argtypes.positive_float, default=None, metavar="SECONDS",
                        help="stop your code after this many seconds (default: $KATA_TIME_LIMIT, else 10)")


def time_limit(args: argparse.Namespace, err: Out | None = None) -> float:
    """--time-limit, else $KATA_TIME_LIMIT, else the default. An unusable $KATA_TIME_LIMIT is
    named in a warning on standard error, once per command, and the default is used."""
    if getattr(args, "time_limit", None) is not None:
        return args.time_limit
    from katas import sandbox

    seconds, warning = sandbox.time_limit_setting()
    if warning:
        (err or to_stderr)("warning: %s" % warning)
    return seconds


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The Workspace of --workspace, $KATA_WORKSPACE or the default; a UsageError when that
    path, or the nearest part of it that exists, is not a folder."""
    # the command's own --workspace, else the one given before the command (`kata --workspace DIR list`)
    option = getattr(args, "workspace", None) or getattr(args, "global_workspace", None)
    root = workspace.resolve(option)
    existing = next(folder for folder in (root,) + tuple(root.parents) if folder.exists())
    if not existing.is_dir():
        source = "--workspace %s" % option if option else "$%s (%s)" % (workspace.WORKSPACE_ENV, root)
        what = "is not a folder" if existing == root else "is inside %s, which is not a folder" % existing
        raise UsageError("%s %s: the workspace is a folder that holds your kata files (give a folder, or a "
                         "path that does not exist yet)" % (source, what))
    return workspace.Workspace(root)


def cards_folder() -> pathlib.Path:
    """The card folder; a UsageError when $KATA_CARDS names something that is not a folder."""
    directory = workspace.cards_dir()
    if os.environ.get(workspace.CARDS_ENV) and not pathlib.Path(directory).is_dir():
        raise UsageError("$%s is %s, which is not a folder: point it at a folder of NN-id.toml card files, or "
                         "unset it to use the installed catalogue" % (workspace.CARDS_ENV, directory))
    return directory


@dataclasses.dataclass
class LearnerCatalogue:
    """The current card folder as the learner commands see it.

    - cards: the cards a learner may start and check, in curriculum order.
    - unfinished: cards that load but still hold a placeholder (catalogue.unfinished_fields):
      listed, never started or checked.
    - broken: the files that cannot be used (they do not load, or their edits do not apply).
    """

    cards: list[Card]
    unfinished: list[Card]
    broken: list[CardError]


def learner_catalogue() -> LearnerCatalogue:
    """The current card folder, split into usable, unfinished and broken cards.

    A UsageError when $KATA_CARDS is not a folder."""
    loaded, broken = catalogue.load_catalogue(cards_folder())
    sources: dict[str, str] = {}
    cards: list[Card] = []
    unfinished: list[Card] = []
    for card in loaded:
        if card.network not in sources:
            sources[card.network] = catalogue.reference_source(card.network)
        try:
            catalogue.apply_edits(card, sources[card.network])
        except catalogue.CardError as exc:
            broken.append(exc)
            continue
        (unfinished if catalogue.unfinished_fields(card) else cards).append(card)
    return LearnerCatalogue(cards, unfinished, broken)


def catalogue_cards() -> tuple[list[Card], list[CardError]]:
    """(cards, broken) of the current card folder: the cards a learner may use (unfinished ones
    left out) and the broken files; a card whose edits do not apply is broken.

    A UsageError when $KATA_CARDS is not a folder."""
    found = learner_catalogue()
    return found.cards, found.broken


def unfinished_sentence(card: Card) -> str:
    """Why a learner cannot use an unfinished card, naming the fields still to write."""
    fields = catalogue.unfinished_fields(card)
    return ("kata %s is unfinished (for instructors): its %s still hold%s the placeholder %r. Its instructor "
            "writes %s in %s, until `kata dev check` passes; until then no learner can start or check it" % (
                card.id, ", ".join(fields), "s" if len(fields) == 1 else "", catalogue.PLACEHOLDER,
                "it" if len(fields) == 1 else "them", display(card.path)))


def find(card_id: str) -> Card:
    """The card with this id, or with this number as `kata list` shows it (3 or 03); else a
    UsageError that suggests the nearest ids (or says why its file is broken, or that the card
    is unfinished)."""
    found = learner_catalogue()
    cards, broken = found.cards, found.broken
    for card in cards:
        if card.id == card_id:
            return card
    if card_id.isdigit():
        for card in cards:
            if card.order == int(card_id):
                return card
    for card in found.unfinished:
        if card.id == card_id or (card_id.isdigit() and card.order == int(card_id)):
            raise UsageError(unfinished_sentence(card))
    for error in broken:
        match = catalogue.FILENAME.match(error.path.name)
        if match and match.group(2) == card_id:
            raise UsageError("the card of kata %r is broken, so it cannot be used: %s" % (card_id, error))
    near = nearest(card_id, cards)
    suggestion = "did you mean %s? " % " or ".join(near) if near else ""
    raise UsageError("there is no kata %r; %s`kata list` shows them all" % (card_id, suggestion))


def nearest(typed: str, cards: Sequence[Card], most: int = 3) -> list[str]:
    """The ids of the cards whose id or title is close to typed (difflib's ratio), or that
    contain it, closest first, each once."""
    word = typed.strip().lower()
    ids = [card.id for card in cards]
    by_title = {card.title.lower(): card.id for card in cards}
    near = difflib.get_close_matches(word, ids, n=most)
    near += [by_title[title] for title in difflib.get_close_matches(word, list(by_title), n=most)]
    if len(word) >= 3:
        near += [card_id for card_id in ids if word in card_id]
    return list(dict.fromkeys(near))[:most]


def started(ws: Workspace, card: Card) -> pathlib.Path:
    """Raise a UsageError unless the kata was started and its file exists."""
    path = ws.kata_path(card)
    if ws.entry(card) is None and not path.exists():
        raise UsageError("kata %s is not started: run `kata start %s` first (workspace: %s)" % (
            card.id, card.id, ws.display(ws.root)))
    if not path.exists():
        raise UsageError("your file %s is missing: `kata reset %s` writes a fresh copy" % (
            ws.display(path), card.id))
    return path


def current(ws: Workspace) -> Card:
    """The card of the current kata (most recently started, unsolved), or a UsageError."""
    card_id = ws.current_id()
    if card_id is None:
        cards, _ = catalogue_cards()
        if not ws.progress.katas:
            first = cards[0].id if cards else "ID"
            raise UsageError("no kata is started in %s: begin with `kata start %s`" % (ws.display(ws.root), first))
        upcoming = next_unstarted(ws, cards)
        following = "`kata start %s`" % upcoming.id if upcoming else "`kata list`"
        raise UsageError("every started kata is solved; name one to check it again, or go on with %s" % following)
    return find(card_id)


def next_unstarted(ws: Workspace, cards: Iterable[Card]) -> Card | None:
    """The first card in curriculum order that was never started, or None."""
    for card in cards:
        if ws.entry(card) is None:
            return card
    return None


def card_or_current(ws: Workspace, card_id: str | None, out: Out) -> Card:
    """The named card, or the current kata (saying which) when no id is given."""
    if card_id:
        return find(card_id)
    card = current(ws)
    out("(current kata: %s)" % card.id)
    return card


def started_kata(args: argparse.Namespace, out: Out) -> tuple[Workspace, Card, pathlib.Path]:
    """(workspace, card, path) of the kata args names (or the current one), which must be
    started; a UsageError otherwise. What check, hint and watch begin with."""
    ws = open_workspace(args)
    card = card_or_current(ws, args.id, out)
    return ws, card, started(ws, card)


def fail(exc: Exception, out: Out | None = None) -> int:
    """Print a usage error on standard error; return the usage exit code."""
    (out or to_stderr)("kata: %s" % exc)
    return USAGE


def show_warnings(ws: Workspace, out: Out | None = None) -> None:
    """Print what went wrong in the workspace since the last time (once each), after the output."""
    print_warnings(ws.take_warnings(), out)


def print_warnings(warnings: Sequence[str], out: Out | None = None) -> None:
    """Each sentence as one `warning:` line, on standard error unless out is given, after
    everything already printed (standard output is flushed first)."""
    if out is None:
        sys.stdout.flush()
    for warning in warnings:
        (out or (lambda text: print(text, file=sys.stderr, flush=True)))("warning: %s" % warning)


def unchangeable(exc: Exception, out: Out | None = None) -> int:
    """Print a workspace change that could not be made; return exit code 1 (the command's job failed)."""
    (out or to_stderr)("kata: %s" % exc)
    return 1


# -- what check, watch, hint and the pytest plugin share ----------------------------------

@dataclasses.dataclass
class Checked:
    """One check of a kata file, as recorded.

    - result: the sandbox's Result for the bytes that were checked.
    - newly_solved: this check marked the kata solved.
    - counts: the file on disk holds the bytes checked, so the verdict is the file's.
    - saved: the progress file has this check (False: a warning says why).
    """

    result: sandbox.Result
    newly_solved: bool
    counts: bool
    saved: bool


def use_course(path: str | None) -> None:
    """--course FILE: validate the course file and name it in KATA_COURSE for the checks this command
    runs (and the processes it starts); UsageError naming the problem. None: whatever KATA_COURSE says,
    validated too."""
    from katas import course
    target = path if path is not None else os.environ.get(course.COURSE_ENV, "").strip() or None
    if target is None:
        return
    try:
        course.load(target)
    except course.CourseError as exc:
        raise UsageError(str(exc)) from None
    os.environ[course.COURSE_ENV] = os.path.abspath(target)


def check_kata(ws: Workspace, card: Card, path: pathlib.Path, time_limit: float | None = None, entries: bool = False,
               seed: int | None = None, evaluator: Evaluator | None = None) -> Checked:
    """Check the kata file's bytes as they are now and record the check; a Checked.

    The bytes are read once and handed to the sandbox; afterwards, what the check destroyed
    in the workspace is put back (katas.learner.guard), and the kata is marked solved only when the
    file holds the bytes that were checked. What happened is in ws.take_warnings().
    """
    keeper = guard.Guard.take(ws, path)
    result = sandbox.check_file(keeper.path, hidden_layers=card.hidden_layers, network=card.network,
                                time_limit=time_limit,
                                entries=entries, source=keeper.checked, seed=seed, evaluator=evaluator)
    aftermath = keeper.settle()
    if aftermath.warning:
        ws.warnings.append(aftermath.warning)
    newly_solved = ws.record_check(card, result.verdict, may_solve=aftermath.unchanged)
    return Checked(result, newly_solved, aftermath.unchanged, ws.saved)


def next_steps(ws: Workspace, card: Card, checked: Checked) -> list[str]:
    """What to do now: the next hint, or the solution and the next kata."""
    result = checked.result
    if not result.green:
        return report.next_steps(card, result, ws.entry(card))
    if not checked.counts:
        return ["", "Green, but not for the file as it is now (see the warning): kata %s is not marked solved; "
                "check again." % card.id]
    cards, _ = catalogue_cards()
    upcoming = next_unstarted(ws, cards)
    if checked.newly_solved:
        solved = "Solved: kata %s is green." % card.id
        if not checked.saved:
            solved = "Solved: kata %s is green, but the progress file could not record it (see the warning)." % (
                card.id)
    else:
        solved = "Still green (solved before)."
    lines = ["", solved]
    if card.equivalent:
        lines.append("Read why: kata solution %s" % card.id)
    else:
        lines.append("Compare your fix with the reference: kata solution %s" % card.id)
    if upcoming is not None:
        lines.append("Next kata: kata start %s" % upcoming.id)
    return lines


def reveal(ws: Workspace, card: Card) -> list[str]:
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

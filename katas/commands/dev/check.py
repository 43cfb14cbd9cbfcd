"""`kata dev check`: validate every card of the catalogue, as a learner would meet it.

For each card file: it loads (valid TOML, no unknown field, every required field present
with the right type, hints non-empty, the last hint a question, a known signature); its id
and its NN are unique; every edit changes something and its `find` matches the reference
exactly once; the kata file a learner gets compiles, and, run through the sandbox like
`kata check`, diagnoses exactly the declared signature, parameters and factor (`ok` for an
equivalent card); the same file with the reference code is green, so the kata can be
solved; no two cards make the same kata (the same network text, or, for cards that are not
equivalent, the same diagnosis and bit-identical loss, gradients and dX on the diagnoser's probe
problems: katas.sandbox.behaviour); the title, story and hints quote neither the
code of a line the bug changed nor its fix (comments and spacing aside, lines of 8 characters
or more), and no learner-facing text still holds a placeholder (TO WRITE, as `kata dev
promote` leaves it). Then the reference networks themselves must diagnose ok, at every depth
the cards use. Every problem names the card file and the field and says how to fix it.

Nothing of a card runs in this process: loading reads data, and every file that must run (each
kata file, each solution file, the references) is written to a temporary folder and checked
in the sandbox (katas.catalogue.sandboxed: a separate process each, with the time limit, several at once).
A kata that hangs, ends the process or crashes is a problem of that card, in the sandbox's
words. Exit code 0 when there is no problem, 1 otherwise; CI runs it.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import pathlib
from collections.abc import Sequence

from katas import catalogue
from katas.catalogue import Card, CardError
from katas.audit import mutants
from katas.catalogue import sandboxed
from katas.commands import argtypes, common
from katas.learner import katafile, workspace
from katas.paths import display

# The line `kata --help` shows; the module docstring is the long description.
HELP = "validate every card of the catalogue, as a learner would meet it."

# The fields the loader reads, in the order of a card file, to list what a template still lacks.
TEXT_FIELDS = ("title", "story", "fix")
# Code shorter than this, spaces aside, may be quoted in learner-facing text (a name, `h = cache`).
LEAK_CHARS = 8
# Marks of text an instructor has yet to write (`kata dev promote` writes catalogue.PLACEHOLDER):
# such a card loads, but a learner must never read it (the learner commands refuse it).
PLACEHOLDERS = (catalogue.PLACEHOLDER,)


@dataclasses.dataclass
class Problem:
    path: pathlib.Path | None
    field: str | None
    problem: str
    fix: str

    def text(self) -> str:
        where = display(self.path) if self.path is not None else "catalogue"
        if self.field:
            where += " [%s]" % self.field
        return "%s: %s. Fix: %s" % (where, self.problem, self.fix)


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("check", help=HELP, description=__doc__)
    parser.add_argument("--cards", metavar="DIR", default=None,
                        help="the card folder (default: $%s, else the installed catalogue)" % workspace.CARDS_ENV)
    parser.add_argument("--time-limit", type=argtypes.positive_float, default=None, metavar="SECONDS",
                        help="time limit of each file's check (default: $KATA_TIME_LIMIT, else 10)")
    parser.add_argument("--jobs", type=argtypes.positive_int, default=None, metavar="N",
                        help="checks run at once (default: the number of CPUs, at most %d)" % sandboxed.MAX_WORKERS)
    return parser


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    directory = pathlib.Path(args.cards).resolve() if args.cards else workspace.cards_dir()
    out("Checking the cards in %s" % display(directory))
    cards, problems = check_catalogue(directory, common.time_limit(args), out, workers=args.jobs)
    if problems:
        out("")
        out("%d problem%s:" % (len(problems), "" if len(problems) == 1 else "s"))
        for problem in problems:
            out("  " + problem.text())
        files = {p.path for p in problems}
        out("")
        out("dev check failed: %d problem%s in %d file%s." % (
            len(problems), "" if len(problems) == 1 else "s", len(files), "" if len(files) == 1 else "s"))
        return 1
    out("")
    out("dev check passed: %d card%s, every kata broken as declared and solvable, the reference ok." % (
        len(cards), "" if len(cards) == 1 else "s"))
    return 0


def check_catalogue(directory: str | os.PathLike[str], time_limit: float | None = None, out: common.Out = print,
                    workers: int | None = None) -> tuple[list[Card], list[Problem]]:
    """Check every card file and the references; return (cards without problems, problems).

    time_limit: seconds per sandboxed check (None: $KATA_TIME_LIMIT, else the sandbox's
    default); workers: checks run at once (None: katas.catalogue.sandboxed.default_workers()).
    """
    problems: list[Problem] = []
    if not pathlib.Path(directory).is_dir():
        return [], [Problem(pathlib.Path(directory), None, "is not a folder",
                            "point --cards (or $%s) at the folder of NN-id.toml files" % workspace.CARDS_ENV)]
    cards, broken = catalogue.load_catalogue(directory)
    for error in broken:
        problem = Problem(error.path, error.field, error.problem, error.fix)
        problems.append(problem)
        out("FAIL %s" % problem.text())
        problems += still_empty(error)
    if not cards and not broken:
        problems.append(Problem(pathlib.Path(directory), None, "holds no card file (NN-id.toml)",
                                "add one with `kata dev new ID`"))
    copies = duplicate_edits(cards)
    problems += duplicate_orders(cards) + copies
    # What can be checked without running anything, card by card; then every file that must
    # run (each card's kata and solution, the references at each depth the cards use) is
    # judged in the sandbox, several at once, and reported in catalogue order.
    static = [(card,) + prepare_card(card) for card in cards]
    jobs: list[sandboxed.Job] = []
    for card, found, kata, solution in static:
        if not found:
            assert kata is not None and solution is not None  # rendered: their edits apply
            filename = katafile.kata_filename(card)
            jobs += [sandboxed.Job(kata, filename, card.hidden_layers, card.network, behaviour=True),
                     sandboxed.Job(solution, filename, card.hidden_layers, card.network)]
    references = [(network, depth) for network in sorted({"net"} | {c.network for c in cards})
                  for depth in sorted({c.hidden_layers for c in cards if c.network == network} or {1})]
    jobs += [sandboxed.Job(katafile.standalone(catalogue.reference_source(network)), "reference-%s.py" % network, depth,
                           network)
             for network, depth in references]
    verdicts = sandboxed.judge_all(jobs, time_limit=time_limit, workers=workers)
    fine = []
    katas: list[tuple[Card, sandboxed.Verdict]] = []
    copied = {problem.path for problem in copies}  # reported already: the same network text
    for card, found, _, _ in static:
        if not found:
            kata_verdict = next(verdicts)
            found = judged_problems(card, kata_verdict, next(verdicts))
            if card.path not in copied:
                found += duplicate_behaviour(card, kata_verdict, katas)
                katas.append((card, kata_verdict))
        if found:
            problems += found
            out("FAIL %s: %d problem%s" % (display(card.path), len(found), "" if len(found) == 1 else "s"))
        else:
            fine.append(card)
            out("ok   %s: %s%s" % (display(card.path), card.signature, " (equivalent)" if card.equivalent else ""))
    failed: dict[str, list[Problem]] = {}
    for network, depth in references:
        failed.setdefault(network, [])
        failed[network] += reference_problems(network, depth, next(verdicts))
    for network, found in failed.items():
        problems += found
        out("%s reference %s: %s" % ("FAIL" if found else "ok  ", display(catalogue.reference_path(network)),
                                     "not ok" if found else "ok"))
    return fine, problems


def still_empty(error: CardError) -> list[Problem]:
    """For a scaffolded card that fails to load: the other fields still waiting to be filled."""
    try:
        data = catalogue.read_toml(error.path)
    except catalogue.CardError:  # the loader's own error already says why
        return []
    empty = [f for f in TEXT_FIELDS if isinstance(data.get(f), str) and not data[f].strip()]
    if isinstance(data.get("hints"), list) and not [h for h in data["hints"] if isinstance(h, str) and h.strip()]:
        empty.append("hints")
    expect = data.get("expect")
    if isinstance(expect, dict) and expect.get("signature") == "":
        empty.append("expect.signature")
    for i, edit in enumerate(data.get("edits", []) if isinstance(data.get("edits"), list) else []):
        if isinstance(edit, dict) and edit.get("find") == "":
            empty.append("edits[%d].find" % i)
    empty = [f for f in empty if f != error.field]
    if not empty:
        return []
    return [Problem(error.path, ", ".join(empty), "still empty as well",
                    "fill each one in as its comment in the file explains")]


def duplicate_orders(cards: Sequence[Card]) -> list[Problem]:
    seen: dict[int, pathlib.Path] = {}
    problems: list[Problem] = []
    for card in cards:
        if card.order in seen:
            problems.append(Problem(card.path, "order (the NN- file name prefix)",
                                    "%02d is also the number of %s" % (card.order, seen[card.order].name),
                                    "renumber one of them: the number sets the curriculum order and must be unique"))
        else:
            seen[card.order] = card.path
    return problems


def duplicate_edits(cards: Sequence[Card]) -> list[Problem]:
    """Cards whose edits make the same network as an earlier card's: the later one is a duplicate."""
    seen: dict[tuple[str, int, str], pathlib.Path] = {}
    problems: list[Problem] = []
    for card in cards:
        try:
            key = (card.network, card.hidden_layers, catalogue.apply_edits(card))
        except catalogue.CardError:
            continue  # check_card reports the edit that does not apply
        if key in seen:
            problems.append(Problem(card.path, "edits", "makes the same network as %s: the kata is a duplicate of "
                                    "that card" % seen[key].name,
                                    "change the edits to make another bug, or remove one of the two cards"))
        else:
            seen[key] = card.path
    return problems


def duplicate_behaviour(card: Card, verdict: sandboxed.Verdict,
                        earlier: Sequence[tuple[Card, sandboxed.Verdict]]) -> list[Problem]:
    """The card behaves as an earlier card on the same network: the same diagnosis and bit-identical
    results on the probe problems (sandboxed.Verdict.same_kata), so its kata is a duplicate.

    Equivalent cards are never duplicates of each other: every one of them behaves as the
    reference, and each teaches its own harmless change."""
    if card.equivalent:
        return []
    for other, other_verdict in earlier:
        if (other.network, other.hidden_layers) == (card.network, card.hidden_layers) and not other.equivalent \
                and verdict.same_kata(other_verdict):
            return [Problem(card.path, "edits", "behaves as %s: the same diagnosis (%s) and bit-identical loss and "
                            "gradients on the diagnoser's probe problems, so the kata is a duplicate of that card"
                            % (other.path.name, verdict.signature),
                            "change the edits to make a bug that computes something else, or remove one of the "
                            "two cards")]
    return []


def prepare_card(card: Card) -> tuple[list[Problem], str | None, str | None]:
    """What one loaded card shows without running anything: (problems, kata text, solution text).

    The texts are None when the edits do not apply; the kata and the solution are judged in
    the sandbox (judged_problems) only when there are no problems here.
    """
    problems: list[Problem] = []
    for i, edit in enumerate(card.edits):
        if edit.find == edit.replace:
            problems.append(Problem(card.path, "edits[%d]" % i, "replace equals find: the edit changes nothing",
                                    "write the buggy version of the code in replace"))
    for i, hint in enumerate(card.hints):
        if hint in card.hints[:i]:
            problems.append(Problem(card.path, "hints[%d]" % i, "repeats an earlier hint",
                                    "make each hint say something new, from general to specific"))
    problems += leaks(card) + placeholders(card)
    try:
        kata = katafile.render_kata(card)
    except catalogue.CardError as exc:
        return problems + [Problem(exc.path, exc.field, exc.problem, exc.fix)], None, None
    solution = katafile.render_solution(card)
    if kata == solution and not card.equivalent:
        problems.append(Problem(card.path, "edits", "the kata file is identical to the reference",
                                "the edits must introduce the bug; an equivalent change needs equivalent = true"))
    for name, text in (("kata", kata), ("solution", solution)):
        problem = compile_problem(card, name, text)
        if problem is not None:
            problems.append(problem)
    return problems, kata, solution


def compile_problem(card: Card, name: str, text: str) -> Problem | None:
    """A Problem when the kata (or solution) file does not compile, else None. Compiling runs nothing."""
    try:
        compile(text, "<%s of %s>" % (name, card.id), "exec")
    except SyntaxError as exc:
        field = "edits" if name == "kata" and not header_line(card, exc.lineno) else "story"
        return Problem(card.path, field, "the %s file a learner gets does not compile: %s at line %s" % (
            name, exc.msg, exc.lineno), "keep the edited code valid Python: a bug the diagnoser can see "
            "must let the module load" if field == "edits" else "remove what breaks the header docstring")
    except Exception as exc:  # noqa: BLE001 - e.g. RecursionError or MemoryError on absurdly nested code
        return Problem(card.path, "edits", "the %s file a learner gets does not compile: %s" % (
            name, type(exc).__name__), "keep the edited code plain Python, nested no deeper than the reference")
    return None


def judged_problems(card: Card, kata: sandboxed.Verdict, solution: sandboxed.Verdict) -> list[Problem]:
    """The problems the sandbox's verdicts on the kata file and on the solution file show."""
    problems = expectation_problems(card, kata)
    if not solution.green:
        problems.append(Problem(card.path, None, "the kata with the reference code is not green (%s: %s)" % (
            solution.signature or solution.verdict, solution.problem),
            "the kata cannot be solved: check the reference (%s) and the card's network and hidden_layers" % (
                display(catalogue.reference_path(card.network)))))
    return problems


def header_line(card: Card, line: int | None) -> bool:
    return line is not None and line <= katafile.header(card).count("\n")


def code_of(line: str) -> tuple[str, str]:
    """A source line's code without its comment, and that code with every space removed."""
    code = mutants.strip_comment(line).strip()
    return code, "".join(code.split())


def changed_code(card: Card) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(buggy, fixed): the code of the lines the edits put in, and of the lines they take out.

    Each is a list of (code, code without spaces), comments stripped, keeping only lines of at
    least LEAK_CHARS characters besides spaces: shorter code (a name, `h = cache`) is what hints
    legitimately mention.
    """
    buggy: dict[str, str] = {}
    fixed: dict[str, str] = {}
    for edit in card.edits:
        before = {code_of(line)[1] for line in edit.find.splitlines()}
        after = {code_of(line)[1] for line in edit.replace.splitlines()}
        for lines, other, found in ((edit.replace, before, buggy), (edit.find, after, fixed)):
            for line in lines.splitlines():
                code, squeezed = code_of(line)
                if len(squeezed) >= LEAK_CHARS and squeezed not in other:
                    found.setdefault(squeezed, code)
    return sorted((c, s) for s, c in buggy.items()), sorted((c, s) for s, c in fixed.items())


def leaks(card: Card) -> list[Problem]:
    """Learner-facing text that quotes the code of a line the bug changed.

    The title, the story and every hint must quote neither the buggy code (the edits' replace)
    nor the fixed code (their find): spacing and comments aside, whole lines of code only.
    """
    buggy, fixed = changed_code(card)
    fields = [("title", card.title), ("the learner title", card.learner_title), ("story", card.story)] + [
        ("hints[%d]" % i, hint) for i, hint in enumerate(card.hints)]
    problems: list[Problem] = []
    for field, text in fields:
        squeezed = "".join(text.split())
        for kind, lines, fix in (
                ("buggy", buggy, "describe what the learner sees, not the code of the line"),
                ("fixed", fixed, "lead to the fix with a question; `kata solution` shows the fixed code once "
                                 "the kata is green")):
            quoted = [code for code, bare in lines if bare in squeezed]
            if quoted:
                problems.append(Problem(card.path, field, "quotes the %s code %r, which gives the bug away" % (
                    kind, quoted[0]), fix))
                break
    return problems


def placeholders(card: Card) -> list[Problem]:
    """Learner-facing text that still holds a placeholder."""
    problems: list[Problem] = []
    fields = [("title", card.title), ("story", card.story), ("fix", card.fix)] + [
        ("hints[%d]" % i, hint) for i, hint in enumerate(card.hints)]
    for field, text in fields:
        for mark in PLACEHOLDERS:
            if mark in text:
                problems.append(Problem(card.path, field, "still holds the placeholder %r" % mark,
                                        "write the text a learner will read in its place"))
    return problems


def expectation_problems(card: Card, result: sandboxed.Verdict) -> list[Problem]:
    """The kata's Verdict (katas.catalogue.sandboxed) against the card's [expect] table."""
    if result.error:
        return [Problem(card.path, "edits", "the kata file a learner gets cannot be checked: %s" % result.problem,
                        "the edited network must load and define loss; make the bug show when loss is called")]
    diagnosis = result
    found = catalogue.expectation_errors(card, diagnosis)
    if not found:
        return []
    evidence = result.evidence[0] if result.evidence else ""
    problems: list[Problem] = []
    if diagnosis.signature != card.signature:
        problems.append(Problem(
            card.path, "expect.signature",
            "the kata diagnoses %s, the card declares %s (evidence: %s)" % (diagnosis.signature, card.signature,
                                                                           evidence),
            "if the evidence describes your bug, set signature = \"%s\"; if not, the edits do not make the bug "
            "you meant: change them" % diagnosis.signature if not card.equivalent else
            "an equivalent card must diagnose ok: the edit changes results, so it is not equivalent"))
        return problems
    for text in found:
        field = "expect.params" if text.startswith("params") else "expect.factor"
        value = ('params = [%s]' % ", ".join('"%s"' % p for p in diagnosis.params) if field == "expect.params" else
                 'factor = "%s"' % diagnosis.factor_tracks if diagnosis.factor_tracks in catalogue.FACTOR_WORDS else
                 "factor = %r" % diagnosis.factor)
        problems.append(Problem(card.path, field, "the kata diagnoses %s" % text,
                                "if the diagnosis is right, write %s (or remove the field to leave it unchecked)" % value))
    return problems


def reference_problems(network: str, depth: int, verdict: sandboxed.Verdict) -> list[Problem]:
    """The reference network itself, judged in the sandbox like a kata, must diagnose ok."""
    if verdict.green:
        return []
    layers = "%d hidden layer%s" % (depth, "" if depth == 1 else "s")
    if verdict.error:
        problem = "the reference cannot be checked at %s: %s" % (layers, verdict.problem)
    else:
        problem = "the reference diagnoses %s at %s (%s)" % (verdict.signature, layers,
                                                             verdict.evidence[0] if verdict.evidence else "")
    return [Problem(catalogue.reference_path(network), None, problem,
                    "the reference must be right before any card can be: fix it, its tests in tests/ say where")]

"""`kata dev promote`: turn a mutant of the network into a new bug card, for the instructor to finish.

Takes a mutant by its mutmut name from the last audit report (mutation-audit.json, written
by `kata audit`), or by its function and diff (--function, --before, --after: the changed
line as in reference/net.py and as in the mutant; comments and spacing do not matter). Runs
diagnose on it in the sandbox (a separate process with a time limit, like `kata check`: a
mutant that hangs or ends the process is refused with what happened) and writes NN-ID.toml in the
instructor's card folder (--cards DIR, else $KATA_CARDS, else ./cards, created; the installed
catalogue only when --cards names it in a source checkout, never a folder inside site-packages): the edit is the mutant's find/replace with enough surrounding lines to match the
reference exactly once, [expect] is the diagnosis (signature, params, factor), and the
title, story, hints and fix are placeholders marked TO WRITE (the title never shows the
mutant's code: it would give the bug away). The card loads as written; `kata dev check` names
each placeholder left until the instructor has written it. A mutant that diagnose reads as ok
is refused (the learner's check would go green with the bug in), unless the report registers
it as equivalent, which makes an equivalent card; so is a mutant that behaves as an existing card
of that folder or of the learners' catalogue (the same diagnosis and bit-identical loss and
gradients on the diagnoser's probe problems: it would be a duplicate kata), unless --force.
"""
import argparse
import json
import os
import pathlib
from collections.abc import Sequence
from typing import Any

from katas import catalogue
from katas.audit import mutants, promote
from katas.catalogue import sandboxed
from katas.commands import argtypes, common
from katas.commands.dev import cardfolder
from katas.audit.report import JSON_NAME
from katas.learner import katafile, workspace
from katas.paths import display

# The line `kata --help` shows; the module docstring is the long description.
HELP = "turn a mutant of the network into a new bug card, for the instructor to finish."

NETWORK_FILE = "reference/net.py"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("promote", help=HELP, description=__doc__)
    parser.add_argument("mutant", nargs="?", metavar="MUTANT",
                        help="a mutant name from the audit report, e.g. reference.net.x_loss__mutmut_60")
    parser.add_argument("--report", default=JSON_NAME, metavar="PATH",
                        help="the audit's JSON report (default: ./%s)" % JSON_NAME)
    parser.add_argument("--function", metavar="NAME", help="with --before/--after: the function the mutant is in")
    parser.add_argument("--before", metavar="LINE", help="the changed line as in reference/net.py")
    parser.add_argument("--after", metavar="LINE", help="the same line in the mutant")
    parser.add_argument("--id", dest="card_id", metavar="ID",
                        help="the card's id (default: mutant-<function>-<n>)")
    parser.add_argument("--cards", default=None, metavar="DIR",
                        help="the card folder to write to (default: $KATA_CARDS, else ./%s, created; the "
                             "installed catalogue only when named here, in a source checkout)" % cardfolder.DEFAULT_DIR)
    parser.add_argument("--force", action="store_true",
                        help="write the card even when an existing card makes the same network")
    parser.add_argument("--time-limit", type=argtypes.positive_float, default=None, metavar="SECONDS",
                        help="time limit of the mutant's check (default: $KATA_TIME_LIMIT, else 10)")
    return parser


def from_report(name: str, report_path: str | os.PathLike[str], original: str) -> mutants.Mutant:
    """The Mutant of this name in a JSON audit report, rebuilt on the current source."""
    try:
        report = json.loads(pathlib.Path(report_path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise promote.PromoteError("cannot read the audit report %s (%s): run `kata audit` first, or pass --report"
                                   % (report_path, exc))
    except ValueError as exc:
        raise promote.PromoteError("%s is not a JSON audit report (%s)" % (report_path, exc))
    except RecursionError:
        raise promote.PromoteError("%s is not an audit report: its JSON is nested too deeply" % report_path) from None
    entries = report.get("mutants") if isinstance(report, dict) else None
    if not isinstance(entries, list):
        raise promote.PromoteError("%s is not an audit report (no list of mutants): pass the mutation-audit.json "
                                   "that `kata audit` writes" % report_path)
    for entry in entries:
        if isinstance(entry, dict) and entry.get("name") == name:
            wrong = report_entry_problem(entry)
            if wrong:
                raise promote.PromoteError("the entry of %s in %s %s: run `kata audit` again for a fresh report"
                                           % (name, report_path, wrong))
            if entry["path"] != NETWORK_FILE:
                raise promote.PromoteError("%s is a mutant of %s; cards are edits of %s" % (
                    name, entry["path"], NETWORK_FILE))
            mutant = mutants.from_lines(entry["path"], original, entry["line"], entry["before"], entry["after"],
                                        name=name, function=entry["function"], status=str(entry.get("status", "")))
            mutant.equivalent = entry.get("equivalent")
            return mutant
    raise promote.PromoteError("no mutant %s in %s: copy a name from the report's list" % (name, report_path))


def report_entry_problem(entry: dict[str, Any]) -> str:
    """What makes a report's mutant entry unusable, in words, or "" when it is fine."""
    for field, check, kind in (("path", lambda v: isinstance(v, str), "a string"),
                               ("function", lambda v: isinstance(v, str), "a string"),
                               ("line", lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
                                "a line number"),
                               ("before", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                                "a list of lines"),
                               ("after", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                                "a list of lines")):
        if field not in entry:
            return "has no %s" % field
        if not check(entry[field]):
            return "has a %s that is not %s" % (field, kind)
    return ""


def from_diff(function: str, before: str, after: str, original: str) -> mutants.Mutant:
    """The Mutant that changes the one line of `function` reading `before` into `after`."""
    blocks = mutants.function_blocks(original)
    if function not in blocks:
        raise promote.PromoteError("%s has no function %s(); its functions are %s" % (
            NETWORK_FILE, function, ", ".join(blocks)))
    start, _, lines = blocks[function]
    wanted = mutants.normalize([before])
    hits = [i for i, line in enumerate(lines) if mutants.normalize([line]) == wanted]
    if len(hits) != 1:
        raise promote.PromoteError("%d lines of %s() read %r (comments and spacing aside): it must be exactly one"
                                   % (len(hits), function, before.strip()))
    line = lines[hits[0]]
    code = mutants.strip_comment(line)
    indentation = line[:len(line) - len(line.lstrip())]
    comment = line[len(code.rstrip()):]
    new_line = indentation + after.strip() + comment
    return mutants.from_lines(NETWORK_FILE, original, start + hits[0], [line], [new_line],
                              name="", function=function)


def judge_mutant(mutant: mutants.Mutant, time_limit: float | None = None) -> sandboxed.Verdict:
    """The mutant's Verdict from the sandbox, with the digest of its behaviour; PromoteError when
    the mutant cannot be checked (it hangs, ends the process, does not load)."""
    verdict = sandboxed.judge_source(mutant.source, "mutant-%s.py" % promote.slug(mutant.function or "given"),
                                     hidden_layers=1, time_limit=time_limit, behaviour=True)
    if verdict.error:
        raise promote.PromoteError("the mutant could not be checked in the sandbox: %s. A kata must load and let "
                                   "the check finish; this mutant makes no card" % verdict.problem)
    return verdict


def diagnose_mutant(mutant: mutants.Mutant, time_limit: float | None = None) -> dict[str, Any]:
    """The mutant's diagnosis summary (katas.audit.census.summarize's fields), judged in the sandbox;
    PromoteError when the mutant cannot be checked (it hangs, ends the process, does not load)."""
    return judge_mutant(mutant, time_limit).summary()


def behaving_twin(verdict: sandboxed.Verdict, folders: Sequence[pathlib.Path], original: str,
                  time_limit: float | None = None) -> catalogue.Card | None:
    """The first card of folders that behaves as the mutant of this verdict: its variant, judged in
    the sandbox, has the same diagnosis and bit-identical results on the probe problems. An
    equivalent mutant (diagnosed ok) has no twin: every equivalent change behaves as the reference."""
    if verdict.signature == "ok":
        return None
    summary = verdict.summary()
    candidates = [found for folder in folders for found in promote.look_alikes(summary, folder, original)]
    jobs = [sandboxed.Job(katafile.standalone(source), katafile.kata_filename(card), behaviour=True)
            for card, source in candidates]
    for (card, _), card_verdict in zip(candidates, sandboxed.judge_all(jobs, time_limit=time_limit)):
        if verdict.same_kata(card_verdict):
            return card
    return None


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    try:
        folder = cardfolder.resolve(args.cards)
    except cardfolder.FolderError as exc:
        out("kata dev promote: %s; nothing written." % exc)
        return 2
    # the duplicates to look for: in the folder written to, and in the catalogue learners use
    folders = list(dict.fromkeys([folder, workspace.cards_dir()]))
    original = catalogue.reference_source("net")
    try:
        if args.mutant and not (args.function or args.before or args.after):
            mutant = from_report(args.mutant, args.report, original)
        elif not args.mutant and args.function and args.before is not None and args.after is not None:
            mutant = from_diff(args.function, args.before, args.after, original)
        else:
            out("kata dev promote: give a MUTANT name from the audit report, or --function, --before and --after")
            return 2
        twin = next((card for card in (promote.same_kata(mutant, f, original) for f in folders) if card), None)
        if twin is not None and not args.force:
            out("kata dev promote: card %s (%s) already makes this change: its edits give the same network as the "
                "mutant, so the new card would be a duplicate kata; nothing written (--force writes it anyway)"
                % (twin.id, display(twin.path)))
            return 1
        time_limit = common.time_limit(args)
        verdict = judge_mutant(mutant, time_limit)
        twin = None if args.force else behaving_twin(verdict, folders, original, time_limit)
        if twin is not None:
            out("kata dev promote: card %s (%s) behaves as this mutant: the same diagnosis (%s) and bit-identical "
                "loss and gradients on the diagnoser's probe problems, though the code differs, so the new card "
                "would be a duplicate kata; nothing written (--force writes it anyway)"
                % (twin.id, display(twin.path), verdict.signature))
            return 1
        diagnosis = verdict.summary()
        path = promote.write_card(mutant, diagnosis, folder, args.card_id, original)
    except (promote.PromoteError, mutants.MutantsError, catalogue.CardError) as exc:
        out("kata dev promote: %s" % exc)
        return 1
    except OSError as exc:
        out("kata dev promote: cannot write the card in %s (%s): pass --cards with a folder you can write to"
            % (display(folder), exc.strerror or exc))
        return 1
    out("wrote %s: %s in %s(), diagnosed %s%s" % (
        display(path), mutant.short, mutant.function, diagnosis["signature"],
        " (%s)" % ", ".join(diagnosis["params"]) if diagnosis.get("params") else ""))
    out("Now write its title, story, hints and fix (every field marked %s), then run `%s`: it names every "
        "placeholder left and checks the kata as a learner meets it. Until then `kata list` shows it as "
        "unfinished and no learner can start it." % (promote.PLACEHOLDER, cardfolder.check_command(folder)))
    return 0

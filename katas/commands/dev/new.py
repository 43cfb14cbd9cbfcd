"""`kata dev new`: write a new card file with every field and a comment on each, ready to fill.

Writes NN-ID.toml in the instructor's card folder, NN being the next free number, and never
overwrites a file. The folder is --cards DIR, else $KATA_CARDS, else ./cards in the current
folder (created); the installed catalogue only when --cards names it in a source checkout, and
never a folder inside site-packages. The template is valid TOML but deliberately incomplete (empty title, story, hints,
fix, signature and edit), so it cannot be mistaken for a finished card: `kata dev check`
names every field still empty, and `kata list` shows the card as broken (no learner can start
it), until it is filled.
"""
import argparse
import os
import pathlib
from collections.abc import Callable

from katas import catalogue
from katas.commands.dev import cardfolder
from katas.learner import workspace
from katas.paths import display
from reference.diagnose import SIGNATURES

# The line `kata --help` shows; the module docstring is the long description.
HELP = "write a new card file with every field and a comment on each, ready to fill."

TEMPLATE = '''\
# A bug card: one bug in the reference network, for a learner to find and fix. Loading a card
# never runs code: it is data. Fill in every field below, then run `kata dev check` until it
# passes (docs/instructors.md walks through a whole card). Multi-line text goes in triple
# quotes; code goes in \'\'\'literal strings\'\'\', where a backslash is just a backslash.

# The version of this file format; leave it at {format_version}.
format_version = {format_version}

# The card's id: lowercase words joined by dashes, the same as in the file name after "{order:02d}-".
id = "{id}"

# One line for instructors (`kata cards`, `kata dev check`): name the bug (not the fix) in a few
# words. Learners never see it: they see the network and "a bug to find" (`kata list`, the kata file).
title = ""

# The top of the learner's kata file: the symptom someone would notice (a wrong factor, nan,
# a crash, a training run that diverges), never where the bug is or what the line says.
story = """
"""

# Which reference the edits apply to, a module in reference/: {networks}.
# Its parameters: {parameters}.
network = "{network}"

# How many hidden layers the kata's network has: exactly 1 for "net", 1 to 8 for "mlp", and
# 1 for every other network (leave it).
hidden_layers = 1

# true when the edit cannot change any result: the kata is green from the start and its lesson
# is telling a harmless change from a bug. Then [expect] signature must be "ok".
equivalent = false

# Hints that `kata hint` reveals one at a time, from general to specific. The last one is a
# question that leads to the fix without giving it away: it must end with "?". Like the title
# and the story, no hint may quote the buggy line's code or the fixed code (names are fine).
hints = [
]

# What `kata solution` shows once the kata is green: what was wrong, why, and the right code.
fix = """
"""

# What the diagnoser must find in the kata; `kata dev check` fails until it does.
[expect]
# One of: {signatures}.
signature = ""
# The parameters the diagnosis must name, in parameter order, e.g. {example}; "X" for a bug in
# dX alone. Remove the "# " to check them; leave it commented out to leave them unchecked.
# params = {example}
# For uniform_scale (or a localized bug with one factor): a finite number such as -1.0, or "N" /
# "1/N" for a factor that tracks the batch size ("T" / "1/T": the sequence length). Remove the
# "# " to check it.
# factor = "N"

# The bug: each [[edits]] table replaces the text find in the reference source with replace.
# find must occur exactly once in the reference: copy whole lines with their indentation and
# comments, from the line after the opening quotes. Add [[edits]] tables for a bug that spans
# several places.
[[edits]]
find = \'\'\'
\'\'\'
replace = \'\'\'
\'\'\'
'''


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("new", help=HELP, description=__doc__)
    parser.add_argument("id", help="the new card's id: lowercase words joined by dashes, e.g. log-probs-gradient")
    parser.add_argument("--network", default="net", choices=sorted(catalogue.NETWORKS),
                        help="the reference network the card's edits apply to (default net)")
    parser.add_argument("--cards", metavar="DIR", default=None,
                        help="the card folder to write to (default: $%s, else ./%s, created; the installed "
                             "catalogue only when named here, in a source checkout)" % (
                                 workspace.CARDS_ENV, cardfolder.DEFAULT_DIR))
    return parser


def next_order(directory: str | os.PathLike[str]) -> int:
    """One more than the highest NN of the card files in directory (01 for an empty one)."""
    numbers = [int(match.group(1)) for match in
               (catalogue.FILENAME.match(p.name) for p in pathlib.Path(directory).glob("*.toml")) if match]
    return max(numbers, default=0) + 1


def template(card_id: str, order: int, network: str = "net") -> str:
    names = catalogue.parameter_names(1, network)
    example = "[%s]" % ", ".join('"%s"' % n for n in names[:2])
    return TEMPLATE.format(format_version=catalogue.FORMAT_VERSION, id=card_id, order=order,
                           signatures=", ".join(SIGNATURES), network=network, parameters=", ".join(names),
                           networks=", ".join('"%s"' % n for n in catalogue.NETWORKS), example=example)


def run(args: argparse.Namespace, out: Callable[[str], object] = print) -> int:
    try:
        directory = cardfolder.resolve(args.cards)
    except cardfolder.FolderError as exc:
        out("kata dev new: %s; nothing written." % exc)
        return 2
    card_id = args.id
    if not catalogue.ID.match(card_id):
        out("kata dev new: %r is not a card id. Use lowercase letters and digits in words joined by dashes, "
            "e.g. log-probs-gradient" % card_id)
        return 2
    taken = [p for p in directory.glob("*.toml")
             if (match := catalogue.FILENAME.match(p.name)) and match.group(2) == card_id]
    if taken:
        out("kata dev new: the id %r is taken by %s; nothing written. Choose another id, or edit that file." % (
            card_id, display(taken[0])))
        return 2
    order = next_order(directory)
    path = directory / ("%02d-%s.toml" % (order, card_id))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as stream:
            stream.write(template(card_id, order, getattr(args, "network", "net")))
    except FileExistsError:
        if not directory.is_dir():
            out("kata dev new: %s is not a folder; nothing written. Point --cards (or $%s) at the card folder."
                % (display(directory), workspace.CARDS_ENV))
            return 2
        out("kata dev new: %s exists; nothing written." % display(path))
        return 1
    except OSError as exc:
        out("kata dev new: cannot write %s (%s); nothing written. Point --cards at a folder you can write to."
            % (display(path), exc.strerror or exc))
        return 1
    check = cardfolder.check_command(directory)
    out("Wrote %s" % display(path))
    out("Every field has a comment saying what goes in it. Fill them in, then run `%s`:" % check)
    out("it names each field that is still empty or wrong, until the card passes.")
    return 0

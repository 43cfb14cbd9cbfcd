"""The learner's kata file: the card's variant of the reference under a header that tells the story.

What it is for: the text `kata start` writes and `kata reset` puts back (render_kata), the
same with the reference's code (render_solution, for `kata solution`), and its name, NN-id.py.
A kata file is standalone: a network built on another's functions gets them copied in.
What it is not for: writing it (katas.learner.workspace) or checking it (katas.sandbox).
"""
from __future__ import annotations

import ast
import re

from katas import catalogue
from katas.catalogue import Card


def kata_filename(card: Card) -> str:
    """NN-id.py: the curriculum number keeps the files in order in any file browser."""
    return "%02d-%s.py" % (card.order, card.id)



SHAPE_LETTERS = "Shapes use fixed letters: N batch, D input, H hidden, C classes."


def shape_letters(network: str) -> str:
    """The reference's own sentence naming its shape letters (the recurrent network adds T), from
    the docstring the header replaces, up to its full stop, with its line breaks when it spans
    several lines (the convolutional network's does); SHAPE_LETTERS for a reference without one."""
    lines = catalogue.reference_source(network).splitlines()
    docstring = [line.strip() for line in lines[:docstring_end([line + "\n" for line in lines])]]
    for start, line in enumerate(docstring):
        if line.startswith("Shapes use fixed letters:"):
            sentence = []
            for part in docstring[start:]:
                part = part.split('"""')[0].split("'''")[0].strip()  # the docstring's closing quotes
                if not part:
                    break
                sentence.append(part)
                if part.endswith("."):
                    break
            return "\n".join(sentence)
    return SHAPE_LETTERS


def header(card: Card) -> str:
    """The learner file's docstring: title, story and how to check. Nothing about the bug."""
    if card.equivalent:
        intro = ["This is the whole network module, with one change in it that may or may not be a bug.",
                 "Run the check before you change anything:"]
    else:
        intro = ["This is the whole network module, with one bug somewhere in it. Make the gradients right:"]
    lines = [
        "Kata %02d, %s: %s" % (card.order, card.id, card.learner_title),
        "",
        card.story,
        "",
    ] + intro + [
        "  kata check %s   runs the gradient checker and the diagnoser on `loss` (green when ok)" % card.id,
        "  kata watch %s   re-checks on every save" % card.id,
        "  kata hint %s    reveals one hint at a time" % card.id,
        shape_letters(card.network),
    ]
    text = "\n".join(lines).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return '"""%s\n"""\n' % text


def module_body(source: str, network: str) -> str:
    """source without the reference module's docstring (the lines the header replaces), and
    with the project's functions it imports written out in full (see standalone).

    The docstring's extent is read from the reference itself, so this works for a variant
    that does not even parse; a variant that edits the docstring keeps it whole.
    """
    reference_lines = catalogue.reference_source(network).splitlines(True)
    end = docstring_end(reference_lines)
    lines = source.splitlines(True)
    if end and lines[:end] == reference_lines[:end]:
        lines = lines[end:]
    return standalone("".join(lines))


PROJECT_IMPORT = re.compile(r"^from reference\.(\w+) import ([\w, ]+)\n", re.MULTILINE)


def standalone(source: str) -> str:
    """source with each `from reference.M import f, g` replaced by the text of f and g.

    A kata file is the learner's own network and may not import the project's packages (the
    checker refuses it), so a network built on another one's functions (the deep network on
    the two-layer network's layers) gets their definitions copied in, in their own order.
    """
    def definitions(match: re.Match[str]) -> str:
        module, names = match.group(1), {n.strip() for n in match.group(2).split(",")}
        text = catalogue.reference_source(module)
        tree = ast.parse(text)
        lines = text.splitlines(True)
        parts = ["".join(lines[node.lineno - 1:node.end_lineno]) for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name in names]
        return "\n" + "\n\n".join(parts) + "\n"

    return PROJECT_IMPORT.sub(definitions, source)


def docstring_end(lines: list[str]) -> int:
    """The number of leading lines that hold the module docstring (0 if there is none)."""
    if not lines or not lines[0].lstrip().startswith(('"""', "'''")):
        return 0
    quote = lines[0].lstrip()[:3]
    if lines[0].count(quote) >= 2:
        return 1
    for number, line in enumerate(lines[1:], start=2):
        if quote in line:
            return number
    return 0


def render_kata(card: Card) -> str:
    """The learner's pristine file: header, then the card's variant of the reference."""
    return header(card) + module_body(catalogue.apply_edits(card), card.network)


def render_solution(card: Card) -> str:
    """The same file with the reference's code: what a fixed kata looks like."""
    return header(card) + module_body(catalogue.reference_source(card.network), card.network)

"""A synthetic class for `kata grade`, built from the catalogue: what the tests and the benchmark grade.

write_class(folder, card) writes one learner per file or folder: the kata's buggy file, its
solution, the variants of the other cards on the same network (each a known diagnosis), and
files that cannot be checked (a syntax error, an infinite loop, an import of the reference,
os._exit, a learner folder with no .py file). Expected says what each learner must get.
"""
from __future__ import annotations

import dataclasses
import pathlib

from katas import catalogue
from katas.catalogue import Card
from katas.learner import katafile

HOSTILE = {
    "syntax": "def loss(params, X, y=None, reg=0.0:\n    return 0\n",
    "hang": "while True:\n    pass\n",
    "reuse": "from reference.net import loss  # the reference's own loss\n",
    "exit": "import os\nos._exit(3)\n",
}


@dataclasses.dataclass(frozen=True)
class Expected:
    """What one learner of the class must get: status, and the card whose diagnosis it carries (or None)."""

    name: str
    status: str
    card: Card | None
    hostile: str = ""


def network_cards(card: Card) -> list[Card]:
    """The cards on the same network and depth as card, the card first."""
    cards, _ = catalogue.load_catalogue()
    same = [c for c in cards if c.network == card.network and c.hidden_layers == card.hidden_layers]
    return sorted(same, key=lambda c: c.id != card.id)


def write_class(folder: pathlib.Path, card: Card, copies: int = 4, solutions: int = 6,
                hostile: bool = True) -> list[Expected]:
    """Write the class into folder; the Expected of every learner, in the gradebook's order (by name).
    hostile=False leaves out the files that cannot be checked."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = []
    for number, variant in enumerate(network_cards(card)):
        text = katafile.render_kata(variant)
        for copy in range(copies):
            name = "v%02d-%s-%d" % (number, variant.id, copy)
            if copy % 2:  # one learner per folder, with the kata's file name
                (folder / name).mkdir()
                (folder / name / katafile.kata_filename(card)).write_text(text)
            else:
                name += ".py"
                (folder / name).write_text(text)
            expected.append(Expected(name, "green" if variant.signature == "ok" else "red", variant))
    for copy in range(solutions):
        name = "solution-%d.py" % copy
        (folder / name).write_text(katafile.render_solution(card))
        expected.append(Expected(name, "green", None))
    for kind, text in HOSTILE.items() if hostile else ():
        name = "x-%s.py" % kind
        (folder / name).write_text(text)
        expected.append(Expected(name, "error", None, kind))
    if hostile:
        (folder / "x-empty-folder").mkdir()
        expected.append(Expected("x-empty-folder", "error", None, "empty"))
    return sorted(expected, key=lambda e: e.name)

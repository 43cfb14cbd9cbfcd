"""The learner's kata as a Jupyter notebook: the story, the network, the check, in three cells.

What it is for: the text `kata start ID --notebook` writes beside the kata file, NN-id.ipynb,
as nbformat 4 JSON written by hand (nbformat is not needed to write it): a markdown cell with
the title and the story, a code cell with the network (the kata file's body: the same code,
without the header docstring the markdown cell replaces) and a check cell that diagnoses
`loss` in the notebook's own kernel (katas.notebook.check).
What it is not for: judging anything (a notebook check is not the judge: `kata check` on the
kata file is, docs/notebooks.md), or writing over a learner's notebook (write_notebook never
replaces a file).
"""
from __future__ import annotations

import json
import os

from katas import catalogue
from katas.catalogue import Card
from katas.learner import files
from katas.learner.katafile import kata_filename, module_body, shape_letters

NBFORMAT = 4
NBFORMAT_MINOR = 5  # 4.5: every cell has an id
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def notebook_filename(card: Card) -> str:
    """NN-id.ipynb, beside the kata file NN-id.py."""
    return kata_filename(card)[:-len(".py")] + ".ipynb"


def check_code(card: Card) -> str:
    """The check cell's code."""
    return 'from katas.notebook import check\n\ncheck(loss, kata="%s")\n' % card.id


def story_markdown(card: Card) -> str:
    """The first cell: title, story, what to do and what judges it."""
    if card.equivalent:
        task = ("The next cell is the whole network module, with one change in it that may or may not be a bug. "
                "Run the cells below before you change anything.")
    else:
        task = ("The next cell is the whole network module, with one bug somewhere in it. Make the gradients right: "
                "edit the network cell, run it, then run the check cell (green when the diagnosis is ok).")
    return "\n".join([
        "# Kata %02d, %s: %s" % (card.order, card.id, card.learner_title),
        "",
        card.story,
        "",
        task,
        "",
        "The check cell diagnoses `loss` inside this kernel: quick feedback with the table and a heatmap, "
        "not the judge. The judge is `kata check %s`, which runs the file `%s` in a process of its own and "
        "marks the kata solved: once the notebook is green, put the same fix in that file. In a cell, "
        "`%%load_ext katas` then `%%kata check %s` runs it, and `%%kata hint %s` reveals the next hint."
        % (card.id, kata_filename(card), card.id, card.id),
        "",
        " ".join(shape_letters(card.network).split()),
    ])


def source_lines(text: str) -> list[str]:
    """A cell's source as nbformat stores it: lines with their line ends, the last one without."""
    text = text.rstrip("\n")
    return text.splitlines(True)


def cell(kind: str, text: str, number: int) -> dict[str, object]:
    """One nbformat 4.5 cell; its id is its kind and place (unique within the notebook)."""
    data: dict[str, object] = {"cell_type": kind, "id": "%s-%d" % (kind, number), "metadata": {},
                               "source": source_lines(text)}
    if kind == "code":
        data["execution_count"] = None
        data["outputs"] = []
    return data


def notebook(card: Card, network_code: str | None = None) -> dict[str, object]:
    """The kata's notebook as a dict: story, network (network_code, default the kata's own), check."""
    if network_code is None:
        network_code = module_body(catalogue.apply_edits(card), card.network)
    cells = [cell("markdown", story_markdown(card), 1), cell("code", network_code, 2), cell("code", check_code(card), 3)]
    return {
        "cells": cells,
        "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
        "nbformat": NBFORMAT,
        "nbformat_minor": NBFORMAT_MINOR,
    }


def render_notebook(card: Card, network_code: str | None = None) -> str:
    """The notebook's JSON text, as Jupyter writes it (indent 1, a final newline)."""
    return json.dumps(notebook(card, network_code), indent=1, ensure_ascii=False) + "\n"


def write_notebook(path: str | os.PathLike[str], card: Card) -> bool:
    """Create the kata's notebook at path; False (and nothing written) when a file is there already.

    OSError when it cannot be written."""
    return files.write_new(path, render_notebook(card))

"""Kata notebooks as `kata start --notebook` writes them: story, network, check, valid nbformat 4."""
import json

import pytest

from katas import catalogue
from katas.learner import katafile, notebookfile

CARDS, _ = catalogue.load_catalogue()


def sources(card):
    """(kind, source text) of each cell of the card's notebook, read back from its JSON."""
    document = json.loads(notebookfile.render_notebook(card))
    return [(c["cell_type"], "".join(c["source"])) for c in document["cells"]]


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_every_notebook_is_the_story_the_kata_files_body_and_the_check(card):
    (story_kind, story), (network_kind, network), (check_kind, check) = sources(card)
    assert (story_kind, network_kind, check_kind) == ("markdown", "code", "code")
    assert story.startswith("# Kata %02d, %s: %s" % (card.order, card.id, card.learner_title)) and card.story in story
    assert "kata check %s" % card.id in story and katafile.kata_filename(card) in story
    for secret in (card.fix,) + card.hints:
        assert secret not in story
    body = katafile.render_kata(card)[len(katafile.header(card)):]
    assert network == body.rstrip("\n")
    assert check == 'from katas.notebook import check\n\ncheck(loss, kata="%s")' % card.id
    compile(check, "check cell", "exec")


def test_the_notebook_is_nbformat_4_with_a_python_kernel_and_unique_cell_ids():
    document = json.loads(notebookfile.render_notebook(CARDS[0]))
    assert (document["nbformat"], document["nbformat_minor"]) == (4, 5)
    assert document["metadata"]["kernelspec"]["name"] == "python3"
    assert len({c["id"] for c in document["cells"]}) == len(document["cells"]) == 3
    assert all(c["outputs"] == [] and c["execution_count"] is None
               for c in document["cells"] if c["cell_type"] == "code")


def test_the_notebook_validates_against_nbformats_schema():
    nbformat = pytest.importorskip("nbformat",
                                   reason='nbformat is not installed: python -m pip install -e ".[notebook]"')
    notebook = nbformat.reads(notebookfile.render_notebook(CARDS[0]), as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells[1].source.startswith("import numpy as np")


def test_the_equivalent_kata_says_to_run_the_check_first():
    card = next(c for c in CARDS if c.equivalent)
    assert "before you change anything" in sources(card)[0][1]


def test_write_notebook_never_replaces_a_file(tmp_path):
    path = tmp_path / notebookfile.notebook_filename(CARDS[0])
    assert path.name == "01-missing-1-over-n.ipynb"
    assert notebookfile.write_notebook(path, CARDS[0]) is True
    path.write_text("my work", encoding="utf-8")
    assert notebookfile.write_notebook(path, CARDS[0]) is False
    assert path.read_text(encoding="utf-8") == "my work"

"""A kata's notebook run headless in a real Jupyter kernel, as `kata start --notebook` wrote it.

The notebook is executed top to bottom with nbclient in the workspace folder, as Jupyter would
open it there: the check cell is red for the kata as handed out, and green once the network
cell holds the solution (katafile.render_solution). A cell added at the end loads the extension
and runs `%kata hint`, so the magic is tested in a kernel too. The kernel inherits this process's
environment (KATA_SEED=0, tests/conftest.py). It needs the notebook extra (nbclient, nbformat,
ipykernel: python -m pip install -e ".[notebook]"), and is skipped, saying so, without it.
"""
import pytest

from katas import catalogue
from katas.cli import main
from katas.learner import katafile, notebookfile

EXTRA = 'python -m pip install -e ".[notebook]"'
nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (%s)" % EXTRA)
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (%s)" % EXTRA)
pytest.importorskip("ipykernel", reason="ipykernel is not installed, so there is no kernel to run (%s)" % EXTRA)

CARD = "missing-1-over-n"
TIMEOUT = 120  # seconds a cell may take before nbclient gives up: a hang fails instead of blocking the suite


@pytest.fixture
def kata_notebook(learner_dir, capsys):
    """(path of the notebook `kata start --notebook` wrote, the card)."""
    card = catalogue.find_card(CARD)
    assert main(["start", CARD, "--notebook"]) == 0
    capsys.readouterr()
    path = learner_dir / "workspace" / notebookfile.notebook_filename(card)
    assert path.is_file()
    return path, card


def execute(path, network_code=None, extra_cells=()):
    """The notebook at path, its network cell replaced by network_code if given, executed in a
    fresh kernel with the notebook's folder as the current one; returns the executed notebook."""
    notebook = nbformat.read(str(path), as_version=4)
    if network_code is not None:
        notebook.cells[1].source = network_code
    notebook.cells += [nbformat.v4.new_code_cell(code) for code in extra_cells]
    client = nbclient.NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return notebook


def shown(cell):
    """The check cell's result: (its text/plain, its text/html)."""
    (result,) = [output for output in cell.outputs if output.output_type == "execute_result"]
    return result.data["text/plain"], result.data["text/html"]


def test_the_kata_as_handed_out_is_red_in_the_notebook(kata_notebook):
    path, card = kata_notebook
    notebook = execute(path, extra_cells=["%%load_ext katas\n%%kata hint %s" % card.id])
    text, page = shown(notebook.cells[2])
    assert text.startswith("kata 01 missing-1-over-n: RED, uniform_scale")
    assert "factor: 8 (tracks N)" in text and "probe seed 0" in text
    assert 'class="kata-check kata-red"' in page and "<td>W1</td>" in page
    assert "data:image/png;base64," in page or "no heatmap: matplotlib is not installed" in page
    printed = "".join(output.get("text", "") for output in notebook.cells[3].outputs)
    assert "hint 1 of 3" in printed and card.hints[0] in printed


def test_the_solution_in_the_network_cell_is_green(kata_notebook):
    path, card = kata_notebook
    notebook = execute(path, network_code=katafile.render_solution(card))
    text, page = shown(notebook.cells[2])
    assert text.startswith("kata 01 missing-1-over-n: GREEN, the diagnosis is ok")
    assert 'class="kata-check kata-green"' in page and "overall: PASS" in page

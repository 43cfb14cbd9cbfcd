"""Katas in Jupyter without a kernel: check()'s text and HTML, the %kata magic, `kata start --notebook`.

check() is called on a `loss` defined the way a notebook defines it (the network cell's text run
in a namespace of its own); the magic is registered on a stand-in for IPython's shell and called
as IPython calls a line magic. tests/commands/test_notebook_kernel.py runs a real kernel.
Every test works in a tmp_path (the learner_dir fixture): none reads or writes a learner's
workspace. KATA_SEED=0 (tests/conftest.py): the probes are the documented ones (N=8, D=5, H=6, C=3).
"""
import base64
import errno
import json
import re
import sys

import pytest

import katas
from katas import catalogue, notebook
from katas.cli import main
from katas.learner import katafile, notebookfile

CARD = "missing-1-over-n"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def cell_loss(code):
    """The `loss` a notebook cell holding code defines."""
    namespace = {"__name__": "__main__"}
    exec(compile(code, "<cell>", "exec"), namespace)
    return namespace["loss"]


def buggy(card_id=CARD):
    card = catalogue.find_card(card_id)
    return cell_loss(katafile.module_body(catalogue.apply_edits(card), card.network))


def fixed(card_id=CARD):
    return cell_loss(katafile.render_solution(catalogue.find_card(card_id)))


def test_a_buggy_loss_is_red_with_the_verdict_the_evidence_and_the_table_as_text():
    result = notebook.check(buggy(), kata=CARD)
    text = repr(result)
    assert not result.green and result.diagnosis.signature == "uniform_scale"
    assert text.startswith("kata 01 missing-1-over-n: RED, uniform_scale: every gradient is off by one common factor")
    assert "checked in this kernel, not in the sandbox: `kata check missing-1-over-n`" in text
    assert "factor: 8 (tracks N)" in text and "  - base probe (N=8, D=5, H=6, C=3, reg=0): every gradient" in text
    assert re.search(r"^W1 +5x6 .* FAIL$", text, re.MULTILINE)  # the base probe's table
    assert 'probe seed 0: check(loss, kata="missing-1-over-n", seed=0) repeats exactly these probes' in text


def test_a_buggy_loss_is_red_in_html_with_the_table_and_the_heatmap_inline():
    pytest.importorskip("matplotlib", reason="matplotlib is not installed: python -m pip install matplotlib")
    result = notebook.check(buggy(), kata=CARD)
    page = result._repr_html_()
    assert 'class="kata-check kata-red"' in page and "background:%s" % notebook.RED in page
    assert "RED, uniform_scale" in page
    assert page.count("<li>") == len(result.diagnosis.evidence) > 0
    rows = re.findall(r'<tr style="color:#cf222e;font-weight:bold"><td>(\w+)</td>', page)
    assert rows == ["W1", "b1", "W2", "b2"]  # every parameter fails, and is shown in red
    assert "overall: FAIL" in page
    (image,) = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert base64.b64decode(image).startswith(PNG_MAGIC)


def test_the_fixed_loss_is_green_in_text_and_html(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # the heatmap is tested above; this one is quicker
    result = notebook.check(fixed(), kata=CARD, seed=1234)
    assert result.green
    assert repr(result).startswith("kata 01 missing-1-over-n: GREEN, the diagnosis is ok")
    assert "probe seed 1234" in repr(result) and result.diagnosis.seed == 1234
    page = result._repr_html_()
    assert 'class="kata-check kata-green"' in page and "background:%s" % notebook.GREEN in page
    assert "overall: PASS" in page and "<td>FAIL</td>" not in page


def test_without_matplotlib_the_html_says_so_instead_of_the_heatmap(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    page = notebook.check(buggy(), kata=CARD)._repr_html_()
    assert "<img" not in page
    assert "no heatmap: matplotlib is not installed" in page and "python -m pip install matplotlib" in page
    assert "<td>W1</td>" in page  # the table does not need matplotlib


def test_a_loss_that_crashes_has_no_table_and_says_why_there_is_no_heatmap():
    def loss(params, X, y, reg=0.0):
        raise ZeroDivisionError("oops")

    result = notebook.check(loss, kata=CARD)
    assert not result.green and result.diagnosis.signature == "crash"
    page = result._repr_html_()
    assert "<table" not in page and "no heatmap: the check did not get as far as a full gradient check" in page
    assert "ZeroDivisionError" in repr(result)


def test_the_evidence_is_escaped_in_html(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = notebook.check(buggy(), kata=CARD)
    result.diagnosis.evidence = ["W1 <b>& b1</b>"]
    assert "<li>W1 &lt;b&gt;&amp; b1&lt;/b&gt;</li>" in result._repr_html_()


def test_the_cards_network_and_depth_are_the_ones_diagnosed():
    card = catalogue.find_card("deep-relu-backward-skipped")
    result = notebook.check(buggy(card.id), kata=card.id)
    assert card.network == "mlp" and card.hidden_layers > 1
    assert result.diagnosis.signature == card.signature
    assert "W%d" % (card.hidden_layers + 1) in result.base_report().params


def test_the_projects_own_loss_gets_a_warning():
    from reference import net

    text = repr(notebook.check(net.loss, kata=CARD))
    assert "GREEN" in text
    assert "warning: this loss is reference.net.loss, the project's own code" in text


def test_an_unknown_kata_names_the_katas():
    with pytest.raises(ValueError, match="no card 'nope'; the cards are: missing-1-over-n"):
        notebook.check(fixed(), kata="nope")


def test_a_seed_that_is_no_seed_is_named_and_a_fresh_one_drawn(monkeypatch):
    monkeypatch.setenv("KATA_SEED", "soon")
    result = notebook.check(fixed(), kata=CARD)
    assert result.green and "warning: KATA_SEED=soon is not a probe seed" in repr(result)


# -- the %kata magic --------------------------------------------------------------------

class Shell:
    """What load_ipython_extension needs of IPython's shell: register_magic_function."""

    def __init__(self):
        self.magics = {}

    def register_magic_function(self, func, magic_kind="line", magic_name=None):
        self.magics[(magic_kind, magic_name or func.__name__)] = func


@pytest.fixture
def magic():
    shell = Shell()
    katas.load_ipython_extension(shell)  # what `%load_ext katas` calls
    assert list(shell.magics) == [("line", "kata")]
    return shell.magics[("line", "kata")]


def test_the_magic_runs_start_check_and_hint(learner_dir, magic, capsys):
    magic("start %s" % CARD)
    assert "Started kata 01 missing-1-over-n" in capsys.readouterr().out
    assert (learner_dir / "workspace" / "01-missing-1-over-n.py").is_file()
    magic("check %s" % CARD)
    assert "RED, uniform_scale" in capsys.readouterr().out
    magic("hint %s" % CARD)
    assert "hint 1 of 3" in capsys.readouterr().out


@pytest.mark.parametrize("line, said", [
    ("", "%kata runs list, start, check, hint, solution, reset"),
    ("watch", "`kata watch` in a terminal"),
    ("audit", "`kata audit` in a terminal"),
    ('hint "unclosed', "%kata: No closing quotation"),
])
def test_the_magic_refuses_what_a_cell_cannot_run(learner_dir, magic, capsys, line, said):
    assert magic(line) is None
    assert said in capsys.readouterr().out
    assert not (learner_dir / "workspace").exists()


def test_a_usage_error_in_the_magic_is_shown_not_raised(learner_dir, magic, capsys):
    assert magic("check --no-such-option") is None
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err
    assert magic("hint no-such-kata") is None
    assert "no kata 'no-such-kata'" in capsys.readouterr().err


# -- kata start --notebook --------------------------------------------------------------

def test_start_with_notebook_writes_the_kata_file_and_the_notebook(learner_dir, capsys):
    assert main(["start", CARD, "--notebook"]) == 0
    out = capsys.readouterr().out
    folder = learner_dir / "workspace"
    assert "Your notebook: workspace/01-missing-1-over-n.ipynb" in out
    assert (folder / "01-missing-1-over-n.py").read_text(encoding="utf-8") == katafile.render_kata(
        catalogue.find_card(CARD))
    document = json.loads((folder / "01-missing-1-over-n.ipynb").read_text(encoding="utf-8"))
    assert document == notebookfile.notebook(catalogue.find_card(CARD))


def test_start_with_notebook_never_overwrites_either_file(learner_dir, capsys):
    assert main(["start", CARD]) == 0
    folder = learner_dir / "workspace"
    (folder / "01-missing-1-over-n.py").write_text("# my work\n", encoding="utf-8")
    assert main(["start", CARD, "--notebook"]) == 0  # the file is there: only the notebook is written
    assert "Your notebook: workspace/01-missing-1-over-n.ipynb" in capsys.readouterr().out
    (folder / "01-missing-1-over-n.ipynb").write_text("my notebook", encoding="utf-8")
    assert main(["start", CARD, "--notebook"]) == 0
    assert "is there already: left as it is" in capsys.readouterr().out
    assert (folder / "01-missing-1-over-n.py").read_text(encoding="utf-8") == "# my work\n"
    assert (folder / "01-missing-1-over-n.ipynb").read_text(encoding="utf-8") == "my notebook"


def test_start_without_notebook_writes_none(learner_dir, capsys):
    assert main(["start", CARD]) == 0
    assert "notebook" not in capsys.readouterr().out
    assert not list((learner_dir / "workspace").glob("*.ipynb"))


def test_a_notebook_that_cannot_be_written_is_exit_code_1(learner_dir, monkeypatch, capsys):
    def full(path, card):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(notebookfile, "write_notebook", full)
    assert main(["start", CARD, "--notebook"]) == 1
    captured = capsys.readouterr()
    assert "could not write workspace/01-missing-1-over-n.ipynb" in captured.err
    assert "kata start missing-1-over-n --notebook` again" in captured.err
    assert "Your file: workspace/01-missing-1-over-n.py" in captured.out  # the kata itself is started


@pytest.mark.parametrize("card_id", [CARD, "deep-relu-backward-skipped", "convnet-bias-gradient-wrong-axes"])
def test_at_the_same_seed_the_notebook_check_reads_as_kata_check_on_the_file(tmp_path, card_id):
    """docs/notebooks.md: the same code at the same seed gets the same signature, evidence and table."""
    from katas import sandbox

    card = catalogue.find_card(card_id)
    path = tmp_path / katafile.kata_filename(card)
    path.write_text(katafile.render_kata(card), encoding="utf-8")
    judged = sandbox.check_file(path, card.hidden_layers, seed=0, network=card.network)
    in_kernel = notebook.check(cell_loss(katafile.render_kata(card)), kata=card_id, seed=0)
    assert judged.verdict == "red" and not in_kernel.green
    assert in_kernel.diagnosis.text() == judged.text

"""`kata check`'s arguments in any order: the id before or after --plot, and --plot's PATH.

--plot takes an optional PATH, so argparse hands `kata check --plot ID` the id as the PATH;
the command gives it back to the id when it is no PATH (no .png ending, no path separator).
"""
import pytest

from katas import catalogue
from katas.cli import main
from katas.learner import katafile

CHECKED = "global-max-shift"
CURRENT = "missing-1-over-n"  # started last, so the current kata: the one a swallowed id would check


def kata(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("argv", [["check", CHECKED, "--plot"], ["check", "--plot", CHECKED]],
                         ids=["id-then-plot", "plot-then-id"])
def test_check_plot_checks_the_named_kata_in_either_order(learner_dir, capsys, argv):
    pytest.importorskip("matplotlib")
    kata(capsys, "start", CHECKED)
    kata(capsys, "start", CURRENT)
    code, out, _ = kata(capsys, *argv, "--seed", "0")
    png = learner_dir / "workspace" / katafile.kata_filename(catalogue.find_card(CHECKED))
    png = png.with_suffix(".png")
    assert code == 1 and out.startswith("kata 19 %s: RED" % CHECKED)
    assert "heatmap written to %s" % png in out and png.read_bytes()[:4] == b"\x89PNG"
    assert not (learner_dir / (CHECKED + ".png")).exists() and not (learner_dir / CHECKED).exists()


def test_a_plot_value_that_is_no_path_beside_an_id_is_a_usage_error(learner_dir, capsys):
    kata(capsys, "start", CHECKED)
    code, out, err = kata(capsys, "check", CHECKED, "--plot", "heatmap")
    assert code == 2 and out == "" and "ends in .png or holds a path separator" in err


def test_check_help_says_what_a_plot_path_is(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "ends in .png or holds a path separator" in " ".join(capsys.readouterr().out.split())

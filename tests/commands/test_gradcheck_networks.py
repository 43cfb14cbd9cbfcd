"""`kata gradcheck --network NAME`: every network's reference checked at its toy sizes, and a wrong
one fails."""
import numpy as np
import pytest

from katas.cli import main
from katas.commands import gradcheck as command
from reference import gradcheck, networks


@pytest.mark.parametrize("name", ["batchnorm_net", "convnet", "rnn", "mlp"])
def test_every_network_s_reference_passes_its_toy_check(capsys, name):
    assert main(["gradcheck", "--network", name]) == 0
    out = capsys.readouterr().out
    network = networks.load(name)
    sizes = ", ".join("%s=%d" % item for item in network.base.items())
    assert sizes in out and out.rstrip().endswith("all checks: PASS")
    assert out.count("== gradient check, reg =") == 2 and "== gradient with respect to the input X" in out


def test_the_rnn_s_initial_loss_counts_one_softmax_per_step(capsys):
    assert main(["gradcheck", "--network", "rnn"]) == 0
    assert "(5 softmaxes per example: loss / 5)" in capsys.readouterr().out


def test_a_wrong_network_fails_the_check(monkeypatch):
    network = networks.load("convnet")
    right = network.loss

    def halved(params, X, y, reg=0.0, return_dX=False):
        out = right(params, X, y, reg, return_dX)
        out[1]["W1"] = out[1]["W1"] / 2
        return out
    monkeypatch.setattr(type(network), "loss", lambda self, *a, **k: halved(*a, **k))
    lines = []
    assert command.check_network("convnet", out=lines.append) is False
    assert lines[-1] == "all checks: FAIL"


def test_an_unknown_network_is_refused_by_name(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["gradcheck", "--network", "lenet"])
    assert stop.value.code == 2
    assert "invalid choice: 'lenet'" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["gradcheck"], ["gradcheck", "--network", "mlp"]])
def test_the_legend_of_the_bands_is_printed_once_before_the_last_line(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    legend = gradcheck.legend()
    assert out.count("relative error = |a - n|") == 1
    assert out.rstrip().endswith(legend + "\n\nall checks: PASS")


def test_a_report_s_table_has_its_legend_unless_asked_without():
    report = gradcheck.check_gradients(lambda p: (float((p["w"] ** 2).sum()), {"w": 2 * p["w"]}),
                                       {"w": np.array([0.5, -1.5])})
    assert report.table().endswith(gradcheck.legend())
    assert report.table(with_legend=False).splitlines()[-1].startswith("overall: PASS")
    assert report.table() == report.table(with_legend=False) + "\n" + gradcheck.legend()

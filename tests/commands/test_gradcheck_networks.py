"""`kata gradcheck --network NAME`: every network's reference checked at its toy sizes, and a wrong
one fails."""
import pytest

from katas.cli import main
from katas.commands import gradcheck as command
from reference import networks


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

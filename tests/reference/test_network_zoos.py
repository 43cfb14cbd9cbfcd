"""The diagnoser on independent implementations of the batch-norm, convolutional and recurrent
networks (tests/zoo_batchnorm/, tests/zoo_convnet/, tests/zoo_rnn/), written from the networks'
conventions alone and each labelled from measured facts (each zoo's README.md says how): the
signature, the implicated parameters, and where the zoo gives them the factor, what it tracks and,
for the RNN, the time step where the gradient first goes wrong in backward order."""
import pytest

from reference import diagnose
from tests import zoos

FILES = [(path, network) for name, network in zoos.NETWORKS.items() for path in zoos.files(name)]


@pytest.mark.parametrize("path, network", FILES, ids=["%s/%s" % (p.parent.name, p.stem) for p, _ in FILES])
def test_network_zoo_implementation_gets_its_label(path, network):
    expected = zoos.load(path).EXPECTED
    diagnosis = diagnose.diagnose(zoos.load(path).loss, network=network)
    assert diagnosis.signature == expected["signature"], diagnosis.text()
    if expected.get("params") and expected["signature"] not in ("shape_error", "nonfinite"):
        assert list(diagnosis.params) == expected["params"], diagnosis.text()
    if "factor" in expected:
        assert diagnosis.factor == pytest.approx(expected["factor"], rel=1e-6), diagnosis.text()
    if "factor_tracks" in expected:
        assert diagnosis.factor_tracks == expected["factor_tracks"], diagnosis.text()
    if "step" in expected and expected["signature"] == "localized" and "X" not in expected.get("params", []):
        steps = [r for r in diagnosis.records if r.kind == "steps"]
        assert steps and steps[0].values["step"] == expected["step"], diagnosis.text()


@pytest.mark.parametrize("zoo", sorted(zoos.NETWORKS))
def test_each_network_zoo_has_correct_rewrites_and_bugs_of_many_signatures(zoo):
    labels = [zoos.load(p).EXPECTED["signature"] for p in zoos.files(zoo)]
    assert len(labels) >= 15 and labels.count("ok") >= 5
    assert len(set(labels)) >= 8

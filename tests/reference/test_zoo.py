"""The diagnoser on independently written implementations, each labelled with the signature it
should get: tests/zoo/ (correct rewrites in other styles, bugs of every signature) and
tests/zoo2/ (written to be hard: suspicious-looking correct code, bugs that only one probe
reveals, bugs whose signature changes with reg or with H == C) and tests/zoo3/ (forward-pass
bugs with and without a matching backward, label handling, unusual correct code) and tests/zoo4/
(implementations that return dX with return_dX=True, right and wrong, and implementations whose
evidence is easy to get wrong: overflow against an underflowed probability, penalty conventions, a
second bug behind a first, forward-pass bias bugs, a clipped log). A label may also give the
findings (every signature that applies, in precedence order), the factor and what it tracks."""
import pytest

from reference import diagnose
from tests import zoos

ZOO = zoos.files()


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_zoo_implementation_gets_its_label(path):
    module = zoos.load(path)
    expected = module.EXPECTED
    diagnosis = diagnose.diagnose(module.loss)
    assert diagnosis.signature == expected["signature"], diagnosis.text()
    if expected.get("params"):
        assert list(diagnosis.params) == expected["params"], diagnosis.text()
    if "findings" in expected:
        assert [[s, list(p)] for s, p in diagnosis.findings] == expected["findings"], diagnosis.text()
    if "factor" in expected:
        assert diagnosis.factor == pytest.approx(expected["factor"], rel=1e-6), diagnosis.text()
    if "factor_tracks" in expected:
        assert diagnosis.factor_tracks == expected["factor_tracks"], diagnosis.text()


def test_zoo_covers_every_signature_and_many_correct_rewrites():
    labels = [zoos.load(p).EXPECTED["signature"] for p in ZOO]
    assert set(labels) == set(diagnose.SIGNATURES)
    assert labels.count("ok") >= 28 and len(ZOO) >= 160


def test_the_dx_zoo_labels_dx_bugs_with_the_input_as_the_implicated_parameter():
    """tests/zoo4/ holds at least six dX bugs, each implicating X (localized or shape_error)."""
    labels = [zoos.load(p).EXPECTED for p in zoos.files("zoo4")]
    dx_bugs = [e for e in labels if e.get("params") == ["X"]]
    assert len(dx_bugs) >= 6
    assert {e["signature"] for e in dx_bugs} == {"localized", "shape_error"}

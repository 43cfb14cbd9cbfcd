"""The diagnoser on independently written implementations, each labelled with the signature it
should get: tests/zoo/ (correct rewrites in other styles, bugs of every signature) and
tests/zoo2/ (written to be hard: suspicious-looking correct code, bugs that only one probe
reveals, bugs whose signature changes with reg or with H == C) and tests/zoo3/ (forward-pass
bugs with and without a matching backward, label handling, unusual correct code)."""
import importlib.util
import pathlib

import pytest

from reference import diagnose

HERE = pathlib.Path(__file__).parent
ZOO = (sorted((HERE / "zoo").glob("z*.py")) + sorted((HERE / "zoo2").glob("y*.py"))
       + sorted((HERE / "zoo3").glob("w*.py")))


def load(path):
    spec = importlib.util.spec_from_file_location("zoo_" + path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_zoo_implementation_gets_its_label(path):
    module = load(path)
    expected = module.EXPECTED
    diagnosis = diagnose.diagnose(module.loss)
    assert diagnosis.signature == expected["signature"], diagnosis.text()
    if expected.get("params"):
        assert list(diagnosis.params) == expected["params"], diagnosis.text()


def test_zoo_covers_every_signature_and_many_correct_rewrites():
    labels = [load(p).EXPECTED["signature"] for p in ZOO]
    assert set(labels) == set(diagnose.SIGNATURES)
    assert labels.count("ok") >= 28 and len(ZOO) >= 140

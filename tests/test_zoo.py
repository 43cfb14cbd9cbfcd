"""The diagnoser on independently written implementations (tests/zoo/), each labelled with
the signature it should get: correct rewrites in other styles, and bugs of every signature."""
import importlib.util
import pathlib

import pytest

from reference import diagnose

ZOO = sorted((pathlib.Path(__file__).parent / "zoo").glob("z*.py"))


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
    if expected.get("params") is not None:
        assert list(diagnosis.params) == expected["params"], diagnosis.text()


def test_zoo_covers_every_signature_and_many_correct_rewrites():
    labels = [load(p).EXPECTED["signature"] for p in ZOO]
    assert set(labels) == set(diagnose.SIGNATURES)
    assert labels.count("ok") >= 10

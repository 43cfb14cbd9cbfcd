"""Everything whose verdict must not depend on the probe seed: the zoos, the cards, the references.

subjects() -> [(name, loss function, hidden layers, expected signature)], shared by
tests/test_seeds.py and benchmarks/seed_sweep.py.
"""
import importlib.util
import pathlib

from katas import catalogue
from reference import mlp, net

HERE = pathlib.Path(__file__).parent
ZOO_FOLDERS = sorted(p for p in HERE.glob("zoo*") if p.is_dir())


def zoo_files():
    return [p for folder in ZOO_FOLDERS for p in sorted(folder.glob("*.py")) if p.name != "__init__.py"]


def load(path):
    spec = importlib.util.spec_from_file_location("zoo_" + path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def subjects():
    out = [("reference net", net.loss, 1, "ok"), ("reference mlp (2 hidden)", mlp.loss, 2, "ok")]
    for path in zoo_files():
        module = load(path)
        out.append(("%s/%s" % (path.parent.name, path.stem), module.loss, module.EXPECTED.get("hidden_layers", 1),
                    module.EXPECTED["signature"]))
    for card in catalogue.load_catalogue()[0]:
        out.append(("card " + card.id, catalogue.variant(card).loss, card.hidden_layers, card.signature))
    return out

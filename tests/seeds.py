"""Everything whose verdict must not depend on the probe seed: the zoos, the cards, the references.

subjects() -> [(name, loss function, hidden layers, expected signature, network)], shared by
tests/reference/test_seeds.py and benchmarks/seed_sweep.py.
"""
from katas import catalogue
from reference import mlp, net
from tests import zoos


def subjects():
    out = [("reference net", net.loss, 1, "ok", "net"), ("reference mlp (2 hidden)", mlp.loss, 2, "ok", "net")]
    for path in zoos.files():
        module = zoos.load(path)
        out.append(("%s/%s" % (path.parent.name, path.stem), module.loss, module.EXPECTED.get("hidden_layers", 1),
                    module.EXPECTED["signature"], "net"))
    for card in catalogue.load_catalogue()[0]:
        out.append(("card " + card.id, catalogue.variant(card).loss, card.hidden_layers, card.signature, card.network))
    return out

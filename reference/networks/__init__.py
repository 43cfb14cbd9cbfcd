"""The networks the diagnoser can judge, each described as data (reference/networks/base.py).

What it is for: load(name), the Network of a module in reference/ by its name ("net", the
default; "mlp"; "batchnorm_net"; "convnet"; "rnn"), and NAMES, the networks there are. Adding a
network is adding its module in reference/ (loss and its layers) and its Network here, in
reference/networks/<name>.py, as a module-level NETWORK (see docs/instructors.md).
What it is not for: the math (each network's module) or the probes (reference/diagnose/).
"""
import importlib
from typing import List

from reference.networks.base import Dead, Network

__all__ = ["Dead", "Network", "NAMES", "load", "names"]

NAMES = ("net", "mlp", "batchnorm_net", "convnet", "rnn")


def names() -> List[str]:
    """The networks there are: NAMES and any other module here that defines a NETWORK."""
    import pkgutil
    import reference.networks as package
    found = [m.name for m in pkgutil.iter_modules(package.__path__) if m.name != "base"]
    return list(NAMES) + sorted(n for n in found if n not in NAMES)


def load(name: str = "net", hidden_layers: int = 1) -> Network:
    """The Network called name; hidden_layers: the depth of "net"/"mlp" (more than 1 means mlp).

    Raises ValueError naming the networks there are when there is no such network."""
    if not isinstance(name, str) or not name.isidentifier() or name == "base":
        raise ValueError("unknown network %r: the networks are %s" % (name, ", ".join(names())))
    if name in ("net", "mlp"):
        from reference.networks.net import layered
        return layered(hidden_layers, name)
    try:
        module = importlib.import_module("reference.networks." + name)
    except ImportError as exc:
        if getattr(exc, "name", None) != "reference.networks." + name:
            raise
        raise ValueError("unknown network %r: the networks are %s" % (name, ", ".join(names()))) from None
    network = getattr(module, "NETWORK", None)
    if not isinstance(network, Network):
        raise ValueError("reference/networks/%s.py defines no NETWORK (a Network)" % name)
    return network

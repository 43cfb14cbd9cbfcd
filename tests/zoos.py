"""The zoos: independently written loss functions, each labelled with the verdict it should get
in a dict EXPECTED: tests/zoo/ to tests/zoo4/ implement the two-layer network; tests/zoo_batchnorm/,
tests/zoo_convnet/ and tests/zoo_rnn/ the networks of NETWORKS. This module finds and loads them,
for the tests and for benchmarks/seed_sweep.py; loading one runs its file, never imports it by name.
"""
import importlib.util
import pathlib

FOLDER = pathlib.Path(__file__).resolve().parent
NAMES = ("zoo", "zoo2", "zoo3", "zoo4")
# zoo -> the network its files implement (a module in reference/)
NETWORKS = {"zoo_batchnorm": "batchnorm_net", "zoo_convnet": "convnet", "zoo_rnn": "rnn"}


def files(*names):
    """The implementation files of the named zoos (default: the two-layer network's four), in a fixed order."""
    return [p for name in names or NAMES for p in sorted((FOLDER / name).glob("*.py")) if p.name != "__init__.py"]


def load(path):
    """The module a zoo file defines: its loss function and its EXPECTED label."""
    path = pathlib.Path(path)
    spec = importlib.util.spec_from_file_location("zoo_" + path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def loss(stem):
    """The loss function of the zoo file named stem (e.g. "z13_missing_inv_n"), in whichever zoo."""
    return load(next(p for p in files() if p.stem == stem)).loss


def network_of(path):
    """The network a zoo file implements: its zoo's in NETWORKS, else the two-layer "net"."""
    return NETWORKS.get(pathlib.Path(path).parent.name, "net")

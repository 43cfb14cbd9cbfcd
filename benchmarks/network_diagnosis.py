"""How long one diagnosis takes for each network, in-process, at its toy sizes (target: 0.1 s).

For every network of reference/networks/: the reference itself, and the median and worst over the
network's zoo (tests/zoo_<network>/) and cards; the loss calls the probes made and the time of one
call of the reference's loss, so that the diagnoser's own cost can be told from the network's.
Figures are medians of --repeats runs, measured in one run, in docs/benchmarks.md.

    python benchmarks/network_diagnosis.py
"""
import argparse
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from katas import catalogue
from benchmarks.diagnose_time import timed
from reference import networks
from tests import zoos

TARGET = 0.1
ZOOS = {"net": ("zoo",), "batchnorm_net": ("zoo_batchnorm",), "convnet": ("zoo_convnet",), "rnn": ("zoo_rnn",)}


def call_time(network, repeats=200):
    params, X, y = network.problem(dict(network.base), 0)
    start = time.perf_counter()
    for _ in range(repeats):
        network.loss(params, X, y)
    return (time.perf_counter() - start) / repeats


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    cards = catalogue.load_catalogue()[0]
    print("| network | P | reference: s per diagnosis | loss calls | one loss call (ms) | ratio to 0.1 s "
          "| zoo and cards: median s | worst s |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ZOOS:
        network = networks.load(name)
        median, _, calls, _ = timed(network.loss, 1, args.repeats, name)
        subjects = [zoos.load(p).loss for p in zoos.files(*ZOOS[name])]
        subjects += [catalogue.variant(c).loss for c in cards if c.network == name and c.hidden_layers == 1]
        others = [timed(fn, 1, 1, name)[0] for fn in subjects]
        P = sum(size_of(shape) for key, shape in network.shapes(dict(network.base)).items() if key not in ("X", "y"))
        print("| %s | %d | %.3f | %d | %.3f | %.2f | %.3f | %.3f |" % (
            name, P, median, calls, 1e3 * call_time(network), median / TARGET,
            statistics.median(others), max(others)))


def size_of(shape):
    total = 1
    for n in shape:
        total *= n
    return total


if __name__ == "__main__":
    main()

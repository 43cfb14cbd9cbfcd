"""The vectorized convnet (reference/convnet.py) against the plain-loop forward pass of its tests.

Times, at the toy sizes and at a bigger size, one call of convnet.loss with every gradient and
dX, and one call of the tests' loop version, which computes the loss alone; prints the median of
several repeats and their ratio (loops / vectorized). The loops get their gradients in the
tests by one complex-step call per entry: that cost, calls times the loss alone, is printed too.

    python benchmarks/convnet_speed.py [--repeats 5]
"""
import argparse
import pathlib
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # the tests' loop version

from reference import convnet
from reference.networks.convnet import NETWORK
from tests.reference.test_convnet import loop_loss

BIGGER = {"N": 16, "Cin": 3, "Hin": 16, "Win": 12, "F": 8, "K": 3, "C": 10}


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    for label, sizes in (("toy", NETWORK.base), ("bigger", BIGGER)):
        rng = np.random.default_rng(0)  # a plain draw: at the bigger size a margin from every kink is rare
        X, y = NETWORK.inputs(sizes, rng)
        params = NETWORK.init(sizes, rng)
        fast = median_time(lambda: convnet.loss(params, X, y, 0.1, return_dX=True), args.repeats)
        slow = median_time(lambda: loop_loss(params, X, y, 0.1), args.repeats)
        calls = sum(v.size for v in params.values()) + X.size
        print("%-6s %s\n  vectorized loss + grads + dX %9.3f ms\n  loops, loss alone            %9.3f ms  = %.0f x"
              "\n  loops, + complex steps (%5d) %9.2f s   = %.0f x\n"
              % (label, sizes, fast * 1e3, slow * 1e3, slow / fast, calls, calls * slow, calls * slow / fast))


if __name__ == "__main__":
    main()

"""How long `diagnose` takes, in-process, on the reference and on every bug card's variant.

Target: at most 0.1 s for all probes together at the toy sizes. Prints the median and the
worst of several repeats per function, and how many loss calls the probes made.

    python benchmarks/diagnose_time.py
"""
import argparse
import statistics
import time

from katas import catalogue
from reference import diagnose, net


def timed(fn, hidden_layers, repeats):
    calls = [0]

    def counted(*args, **kwargs):
        calls[0] += 1
        return fn(*args, **kwargs)

    times = []
    for _ in range(repeats):
        calls[0] = 0
        start = time.perf_counter()
        result = diagnose.diagnose(counted, hidden_layers=hidden_layers)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), calls[0], result.signature


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    subjects = [("reference (net.loss)", net.loss, 1)]
    for card in catalogue.load_catalogue()[0]:
        subjects.append((card.id, catalogue.variant(card).loss, card.hidden_layers))
    print("| function | signature | loss calls | median (s) | worst (s) |")
    print("|---|---|---|---|---|")
    medians = []
    for name, fn, depth in subjects:
        median, worst, calls, signature = timed(fn, depth, args.repeats)
        medians.append(median)
        print("| %s | %s | %d | %.3f | %.3f |" % (name, signature, calls, median, worst))
    print()
    print("largest median: %.3f s; median of medians: %.3f s" % (max(medians), statistics.median(medians)))


if __name__ == "__main__":
    main()

"""How long `diagnose` takes, in-process, on the reference and on every bug card's variant.

Target: at most 0.1 s for all probes together at the toy sizes. Prints the median and the
worst of several repeats per function, and how many loss calls the probes made.

    python benchmarks/diagnose_time.py
"""
import argparse
import functools
import importlib.util
import pathlib
import statistics
import time

from katas import catalogue
from reference import diagnose, net


def timed(fn, hidden_layers, repeats, network="net"):
    """(median seconds, worst seconds, loss calls, signature) of diagnose(fn) over repeats."""
    calls = [0]

    @functools.wraps(fn)  # the same signature, so the diagnoser passes reg and return_dX as to fn
    def counted(*args, **kwargs):
        calls[0] += 1
        return fn(*args, **kwargs)

    times = []
    for _ in range(repeats):
        calls[0] = 0
        start = time.perf_counter()
        result = diagnose.diagnose(counted, hidden_layers=hidden_layers, network=network)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), calls[0], result.signature


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    subjects = [("reference (net.loss)", net.loss, 1)]
    for card in catalogue.load_catalogue()[0]:
        if card.network not in ("net", "mlp"):  # timed against the two-layer and deep references only
            continue
        subjects.append((card.id, catalogue.variant(card).loss, card.hidden_layers))
    tests = pathlib.Path(__file__).resolve().parent.parent / "tests"
    zoo = sorted((tests / "zoo").glob("z*.py")) + sorted((tests / "zoo2").glob("y*.py"))
    for path in zoo + sorted((tests / "zoo3").glob("w*.py")) + sorted((tests / "zoo4").glob("v*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        subjects.append(("zoo: " + path.stem, module.loss, 1))
    print("| function | signature | loss calls | median (s) | worst (s) |")
    print("|---|---|---|---|---|")
    medians = {}
    for name, fn, depth in subjects:
        median, worst, calls, signature = timed(fn, depth, args.repeats)
        medians[name] = (median, depth)
        if not name.startswith("zoo: "):
            print("| %s | %s | %d | %.3f | %.3f |" % (name, signature, calls, median, worst))
    print()
    for label, pick in (("two-layer reference and cards", lambda n, d: d == 1 and not n.startswith("zoo: ")),
                        ("two-layer zoo implementations", lambda n, d: n.startswith("zoo: ")),
                        ("deep-network cards (2 hidden layers)", lambda n, d: d > 1)):
        values = [m for n, (m, d) in medians.items() if pick(n, d)]
        print("%s: %d functions, median %.3f s, largest median %.3f s" % (
            label, len(values), statistics.median(values), max(values)))


if __name__ == "__main__":
    main()

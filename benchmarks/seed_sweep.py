"""Does a verdict depend on the probe seed? Every zoo implementation, card and reference, many seeds.

Diagnoses each implementation in tests/zoo*/ (against its label), each bug card's variant
(against its declared signature) and the reference networks at every seed in a range, and
prints each one whose signature or params change with the seed, with the seeds and what they
gave. The verdict must be the same at every seed: exit code 1 if any changes.

    python benchmarks/seed_sweep.py [--seeds 50] [--first 1]
"""
import argparse
import collections
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reference import diagnose  # noqa: E402
from tests import seeds  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--first", type=int, default=1)
    args = parser.parse_args(argv)
    subjects = seeds.subjects()
    started = time.perf_counter()
    changed = 0
    for name, loss, hidden_layers, expected, network in subjects:
        verdicts = collections.defaultdict(list)
        for seed in range(args.first, args.first + args.seeds):
            d = diagnose.diagnose(loss, network=network, seed=seed, hidden_layers=hidden_layers)
            verdicts[(d.signature, tuple(d.params))].append(seed)
        if len(verdicts) > 1 or (expected and next(iter(verdicts))[0] != expected):
            changed += 1
            print("%s (expected %s):" % (name, expected))
            for (signature, params), at in sorted(verdicts.items(), key=lambda kv: -len(kv[1])):
                print("   %-14s %-22s at %d seeds, e.g. %s" % (signature, ",".join(params), len(at), at[:6]))
    print("%d implementations x %d seeds in %.1f s: %d change with the seed or miss their label" % (
        len(subjects), args.seeds, time.perf_counter() - started, changed))
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of `kata grade`: submissions per second, and per core, on a synthetic class.

Writes a class built from the catalogue (tests/grading/classes.py: each card's variant of the
kata's network, COPIES times, and the solution; --hostile adds the files that cannot be checked,
the infinite loop among them, which costs its time limit), then runs the command an instructor
types, `kata grade CLASS --kata ID --jobs J` in a fresh process, for each J, and prints the wall
time, submissions per second, and submissions per second per worker. Each figure is the best
of --runs runs (the machine's noise only ever adds time).

    python benchmarks/grade_throughput.py [--copies 4] [--jobs 1 2] [--runs 3] [--hostile]
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from katas import catalogue  # noqa: E402
from tests.grading import classes  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kata", default="missing-1-over-n")
    parser.add_argument("--copies", type=int, default=4, help="copies of each card's variant")
    parser.add_argument("--solutions", type=int, default=8)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", default="0.5")
    parser.add_argument("--hostile", action="store_true", help="add the files that cannot be checked")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kata-grade-bench-") as folder:
        submissions = pathlib.Path(folder) / "class"
        learners = classes.write_class(submissions, catalogue.find_card(args.kata), copies=args.copies,
                                       solutions=args.solutions, hostile=args.hostile)
        print("%d submissions of kata %s, %d CPUs, Python %s" % (len(learners), args.kata, os.cpu_count() or 1,
                                                                  sys.version.split()[0]))
        for jobs in args.jobs:
            times = []
            for run in range(args.runs):
                command = [sys.executable, "-m", "katas.cli", "grade", str(submissions), "--kata", args.kata,
                           "--jobs", str(jobs), "--seed", "0", "--time-limit", args.time_limit,
                           "--out", str(pathlib.Path(folder) / ("grades-%d-%d" % (jobs, run)))]
                started = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=folder)
                times.append(time.perf_counter() - started)
            best = min(times)
            rate = len(learners) / best
            print("--jobs %d: %.2f s (best of %d), %.1f submissions/s, %.1f submissions/s per worker" % (
                jobs, best, args.runs, rate, rate / jobs))


if __name__ == "__main__":
    main()

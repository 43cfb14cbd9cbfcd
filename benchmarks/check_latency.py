"""The wall time of `kata check` on a started kata, as a learner waits for it.

Starts a kata in a temporary workspace, then runs the console command `kata check ID` (a
fresh process each time, exactly what the learner types: interpreter start, imports, the
sandboxed diagnosis, the report) several times and prints the median, the quartiles and the
extremes. It also times the sandboxed check alone, inside one process (katas.sandbox.check_file:
the fork, the diagnosis, reading the result), for the part that `kata watch` repeats on every
save. Target: the median of `kata check` well under one second. The machine's load average
and the CPU time of each `kata check` process (with its sandbox child) are printed too: on a
shared machine the wall time moves with the load, the CPU time much less.

    python benchmarks/check_latency.py [--runs 15] [--kata missing-1-over-n]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def quartiles(times):
    ordered = sorted(times)
    q1, median, q3 = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else (ordered[0],) * 3
    return ordered[0], q1, median, q3, ordered[-1]


def line(label, times):
    low, q1, median, q3, high = quartiles(times)
    return "%-34s median %.3f s  (quartiles %.3f-%.3f, min %.3f, max %.3f, %d runs)" % (
        label, median, q1, q3, low, high, len(times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kata", default="missing-1-over-n")
    args = parser.parse_args(argv)

    load = os.getloadavg()
    command = shutil.which("kata")
    kata = [command] if command else [sys.executable, "-m", "katas.cli"]
    folder = tempfile.mkdtemp(prefix="kata-latency-")
    env = dict(os.environ, KATA_WORKSPACE=os.path.join(folder, "workspace"))
    try:
        subprocess.run(kata + ["start", args.kata], env=env, check=True, stdout=subprocess.DEVNULL)
        process_times, cpu_times = [], []
        for _ in range(args.runs + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(kata + ["check", args.kata], env=env, stdout=subprocess.DEVNULL)
            process_times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_times.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            assert done.returncode == 1, "the kata should be red"
        process_times, cpu_times = process_times[1:], cpu_times[1:]  # the first run warms the file cache

        from katas import catalogue, sandbox, workspace

        card = catalogue.find_card(args.kata)
        path = os.path.join(folder, "workspace", workspace.kata_filename(card))
        sandbox_times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            sandbox.check_file(path, hidden_layers=card.hidden_layers)
            sandbox_times.append(time.perf_counter() - start)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print("kata check %s on a started kata, %d CPUs, Python %s, sandbox mode %s" % (
        args.kata, os.cpu_count(), sys.version.split()[0], sandbox.default_mode()))
    print("load average before: %.2f %.2f %.2f, after: %.2f %.2f %.2f" % (load + os.getloadavg()))
    print(line("`kata check` (a fresh process)", process_times))
    print(line("  its CPU time (user + sys)", cpu_times))
    print(line("sandboxed check alone (in process)", sandbox_times))


if __name__ == "__main__":
    main()

"""The wall time of `kata check` as a learner waits for it, as ratios measured in one run.

Starts a kata in a temporary workspace, then runs, interleaved round by round so that the
machine's load falls on all of them alike:
- `python -c "import numpy"`: the floor any NumPy tool pays;
- `kata check ID` (a fresh process each time, exactly what the learner types);
- with --baseline REF, the same command from an older commit of this project (extracted with
  `git archive`), to compare implementations on the same machine in the same minute.
It also times the check alone inside one process: with a fresh evaluator each time (what
`kata check` pays) and with one evaluator kept warm (what `kata watch` pays on every save),
and, with --baseline, the baseline's own check in one process (what its watch paid).
The figures to read are the ratios: machines like this one are noisy.

    python benchmarks/check_latency.py [--runs 15] [--kata missing-1-over-n] [--baseline cd139e3]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median(times):
    return statistics.median(times)


def line(label, times, floor=None):
    ordered = sorted(times)
    text = "%-44s median %.3f s  (min %.3f, max %.3f, %d runs)" % (
        label, median(ordered), ordered[0], ordered[-1], len(ordered))
    if floor:
        text += "  = %.2f x" % (median(ordered) / floor)
    return text


def timed(command, env, cwd=None):
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def extract(ref, folder):
    """The project's files at ref, in folder (the baseline implementation)."""
    os.makedirs(folder)
    archive = subprocess.run(["git", "-C", ROOT, "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kata", default="missing-1-over-n")
    parser.add_argument("--baseline", default=None, metavar="REF",
                        help="a git commit of this project to time beside the current code")
    args = parser.parse_args(argv)

    folder = tempfile.mkdtemp(prefix="kata-latency-")
    env = dict(os.environ, KATA_WORKSPACE=os.path.join(folder, "workspace"))
    env.pop("KATA_SEED", None)
    current = [sys.executable, "-m", "katas.cli", "check", args.kata]
    floor_command = [sys.executable, "-c", "import numpy"]
    commands = {"numpy": (floor_command, env, None), "current": (current, dict(env, PYTHONPATH=ROOT), ROOT)}
    if args.baseline:
        old = extract(args.baseline, os.path.join(folder, "baseline"))
        commands["baseline"] = (current, dict(env, PYTHONPATH=old), old)
    try:
        subprocess.run([sys.executable, "-m", "katas.cli", "start", args.kata], env=commands["current"][1],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times = {name: [] for name in commands}
        for round_number in range(args.runs + 1):
            for name, (command, command_env, cwd) in commands.items():
                elapsed = timed(command, command_env, cwd)
                if round_number:  # the first round warms the file cache
                    times[name].append(elapsed)

        from katas import catalogue, sandbox
        from katas.learner import katafile

        card = catalogue.find_card(args.kata)
        path = os.path.join(folder, "workspace", katafile.kata_filename(card))
        cold, warm = [], []
        with sandbox.Evaluator() as evaluator:
            sandbox.check_file(path, hidden_layers=card.hidden_layers, evaluator=evaluator)
            for _ in range(args.runs):
                start = time.perf_counter()
                sandbox.check_file(path, hidden_layers=card.hidden_layers)
                cold.append(time.perf_counter() - start)
                start = time.perf_counter()
                result = sandbox.check_file(path, hidden_layers=card.hidden_layers, evaluator=evaluator)
                warm.append(time.perf_counter() - start)
        baseline_recheck = None
        if args.baseline:  # the baseline's own re-check, in a process that imports the baseline
            script = ("import statistics, sys, time\nfrom katas import sandbox\nsandbox.check_file(sys.argv[1])\n"
                      "t = []\nfor _ in range(int(sys.argv[2])):\n    s = time.perf_counter()\n"
                      "    sandbox.check_file(sys.argv[1])\n    t.append(time.perf_counter() - s)\n"
                      "print(' '.join(map(str, t)))\n")
            done = subprocess.run([sys.executable, "-c", script, path, str(args.runs)], cwd=old, capture_output=True,
                                  text=True, env=dict(env, PYTHONPATH=old), check=True)
            baseline_recheck = [float(t) for t in done.stdout.split()]
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    floor = median(times["numpy"])
    print("kata check %s, %d CPUs, Python %s, isolation %s, load average %.2f" % (
        args.kata, os.cpu_count(), sys.version.split()[0], result.isolation, os.getloadavg()[0]))
    print(line('`python -c "import numpy"`', times["numpy"], floor))
    print(line("`kata check` (current code)", times["current"], floor))
    if "baseline" in times:
        print(line("`kata check` (baseline %s)" % args.baseline, times["baseline"], floor))
        print("current / baseline: %.2f x" % (median(times["current"]) / median(times["baseline"])))
    print(line("check alone, a fresh evaluator each time", cold))
    print(line("check alone, the evaluator kept warm (watch)", warm))
    print("warm / fresh: %.2f x" % (median(warm) / median(cold)))
    if baseline_recheck:
        print(line("check alone in the baseline (its watch)", baseline_recheck))
        print("watch re-check, current / baseline: %.2f x" % (median(warm) / median(baseline_recheck)))


if __name__ == "__main__":
    main()

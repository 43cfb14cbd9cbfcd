"""The domain mutants: the operators' mutants of each network file, judged by the same tests as mutmut's.

What it is for: generate() turns katas.audit.operators' mutations of the audited files into Mutant
records (status "not checked", kind "domain", the operator's name), and judge() runs the test
selection against each of them with mutmut's cost model: a warm worker process per core imports
NumPy, pytest and the project's modules once, then forks a child per mutant that puts the
mutated code in place of the module's functions (exec of the mutated source into the module's
namespace, so every test that imports the module sees it) and runs pytest with -x; the child's
exit code is the verdict (1 killed, 0 survived, 5 no tests), a child that outlives its time limit
is killed (timeout). It runs in the audit's fresh copy of the project, never the working tree.
What it is not for: making mutations (katas.audit.operators) or scoring and reporting them.
"""
from __future__ import annotations

import collections
import difflib
import json
import os
import pathlib
import selectors
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import IO, Any

from katas.audit import lifeline, operators
from katas.audit.mutants import Mutant, status_of

BLAS_SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
PYTEST_ARGS = ["-q", "-p", "no:cacheprovider", "-o", "addopts=", "--no-header", "-W", "ignore"]
# A mutant's time limit: this many times the clean run of its tests, plus a constant (mutmut's
# defaults: timeout_multiplier 15, timeout_constant 1 s).
TIMEOUT_MULTIPLIER = 15.0
TIMEOUT_CONSTANT = 1.0


def module_name(path: str) -> str:
    """reference/net.py -> reference.net"""
    return path[:-3].replace("/", ".") if path.endswith(".py") else path.replace("/", ".")


def changed_lines(before: str, after: str) -> tuple[tuple[str, ...], tuple[str, ...], str, int]:
    """(lines before, lines after, unified diff, first changed line) of one mutation."""
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    removed: list[str] = []
    added: list[str] = []
    first = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            first = first or i1 + 1
            removed += old[i1:i2]
            added += new[j1:j2]
    diff = "\n".join(difflib.unified_diff(old, new, "original", "mutant", n=1, lineterm=""))
    return tuple(removed), tuple(added), diff, first


def generate(root: pathlib.Path, files: Sequence[str]) -> list[Mutant]:
    """Every domain mutant of files (paths relative to root), as Mutant records not yet checked."""
    found: list[Mutant] = []
    for path in files:
        text = (root / path).read_text(encoding="utf-8")
        counters: collections.Counter[tuple[str, str]] = collections.Counter()
        for mutation in operators.mutations(text):
            counters[(mutation.function, mutation.operator)] += 1
            before, after, diff, line = changed_lines(text, mutation.source)
            name = "%s.%s__%s_%d" % (module_name(path), mutation.function, mutation.operator,
                                     counters[(mutation.function, mutation.operator)])
            found.append(Mutant(name=name, path=path, function=mutation.function, number=len(found) + 1,
                                exit_code=None, status="not checked", duration=None, line=line or mutation.line,
                                before=before, after=after, diff=diff, source=mutation.source, kind="domain",
                                operator=mutation.operator))
    return found


# -- the warm worker ------------------------------------------------------------------------
def serve(argv: Sequence[str]) -> int:
    """A warm worker (`python -m katas.audit.domain MODULE... -- PYTEST ARGS` in the project copy):
    imports NumPy, pytest and the modules, collects the tests once, says ready, then for each job
    line on stdin ({"module", "source", "select", "timeout"}) forks a child that puts the mutated
    code in the module and runs the collected tests whose node ids start with one of "select", stopping
    at the first failure; answers one line per job ({"exit": 1 killed, 0 survived, 5 no tests, or
    null, "seconds", "timeout"}). Collecting once is what makes a mutant cost its tests' time and
    not pytest's start-up."""
    split = list(argv).index("--")
    modules, args = argv[:split], list(argv[split + 1:])
    channel = os.fdopen(os.dup(1), "w")
    jobs = os.fdopen(os.dup(0), "r")  # pytest replaces sys.stdin while it runs
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    import importlib
    import numpy  # noqa: F401 - the expensive import, done once
    import pytest
    for name in modules:
        importlib.import_module(name)

    class Loop:
        """Takes over pytest's run loop: the jobs, each in a forked child, after one collection."""

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtestloop(self, session: Any) -> bool:
            channel.write(json.dumps({"ready": True, "tests": len(session.items)}) + "\n")
            channel.flush()
            for line in jobs:
                job = json.loads(line)
                began = time.perf_counter()
                pid = os.fork()
                if pid == 0:
                    os.dup2(devnull, 2)
                    os._exit(run_job(session, job))
                code, timed_out = wait(pid, float(job["timeout"]))
                channel.write(json.dumps({"exit": code, "seconds": round(time.perf_counter() - began, 4),
                                          "timeout": timed_out}) + "\n")
                channel.flush()
            return True

    pytest.main(args + PYTEST_ARGS, plugins=[Loop()])
    return 0


def run_job(session: Any, job: dict[str, Any]) -> int:
    """In the forked child: the mutant in place, its selected tests until one fails; the exit code."""
    from _pytest.runner import runtestprotocol
    try:
        module = sys.modules[job["module"]]
        exec(compile(job["source"], module.__file__ or job["module"], "exec"), module.__dict__)
    except BaseException:  # noqa: BLE001 - a mutant that does not even load is killed by it
        return 1
    items = [item for item in session.items if any(item.nodeid.startswith(p) for p in job["select"])]
    if not items:
        return 5
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        try:
            reports = runtestprotocol(item, log=False, nextitem=following)
        except BaseException:  # noqa: BLE001 - a test that breaks the run kills the mutant
            return 1
        if any(report.failed for report in reports):
            return 1
    return 0


def wait(pid: int, limit: float) -> tuple[int | None, bool]:
    """The child's exit code (negative: the signal that ended it), or (None, True) when it ran past limit."""
    deadline = time.monotonic() + limit
    delay = 0.001
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), False
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return None, True
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


# -- judging ----------------------------------------------------------------------------------
def judge(project: pathlib.Path, found: Sequence[Mutant], selections: dict[str, list[str]], workers: int,
          scratch: lifeline.Scratch, clean_seconds: dict[str, float]) -> None:
    """Run each mutant's tests (selections: source path -> pytest arguments) in warm workers in the
    project copy; set exit_code, status and duration on each Mutant."""
    if not found:
        return
    modules = sorted({module_name(m.path) for m in found})
    union = list(dict.fromkeys(arg for m in found for arg in selections[m.path]))
    env = dict(os.environ, **BLAS_SINGLE_THREAD)
    env["PYTHONPATH"] = str(project) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("MUTANT_UNDER_TEST", None)
    processes = []
    for _ in range(max(1, min(workers, len(found)))):
        process = lifeline.spawn([sys.executable, "-m", "katas.audit.domain", *modules, "--", *union], cwd=str(project),
                                 env=env,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        scratch.adopt(process)
        processes.append(process)
    try:
        for process in processes:
            assert process.stdout is not None
            ready = process.stdout.readline()
            if not ready.startswith(b"{"):
                raise RuntimeError("a domain-mutant worker did not start (python -m katas.audit.domain)")
        queues = [list(found[i::len(processes)]) for i in range(len(processes))]
        selector = selectors.DefaultSelector()
        pending: dict[int, Mutant] = {}
        for index, process in enumerate(processes):
            assert process.stdout is not None
            selector.register(process.stdout, selectors.EVENT_READ, index)
            send(process, queues[index], pending, index, selections, clean_seconds)
        while pending:
            for key, _ in selector.select():
                index = key.data
                stream: IO[bytes] = key.fileobj  # type: ignore[assignment]
                line = stream.readline()
                mutant = pending.pop(index)
                if not line:
                    raise RuntimeError("a domain-mutant worker stopped while judging %s" % mutant.name)
                reply: dict[str, Any] = json.loads(line)
                mutant.duration = reply["seconds"]
                mutant.exit_code = None if reply["timeout"] else reply["exit"]
                mutant.status = "timeout" if reply["timeout"] else status_of(reply["exit"])
                send(processes[index], queues[index], pending, index, selections, clean_seconds)
    finally:
        for process in processes:
            if process.stdin is not None:
                process.stdin.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                lifeline.stop_group(process)


def send(process: subprocess.Popen, queue: list[Mutant], pending: dict[int, Mutant], index: int,
         selections: dict[str, list[str]], clean_seconds: dict[str, float]) -> None:
    if not queue:
        return
    mutant = queue.pop(0)
    limit = TIMEOUT_MULTIPLIER * clean_seconds.get(mutant.path, 1.0) + TIMEOUT_CONSTANT
    job = {"module": module_name(mutant.path), "source": mutant.source, "timeout": limit,
           "select": [arg for arg in selections[mutant.path] if not arg.startswith("-")]}
    assert process.stdin is not None
    process.stdin.write((json.dumps(job) + "\n").encode("utf-8"))
    process.stdin.flush()
    pending[index] = mutant


def clean_run(project: pathlib.Path, path: str, args: list[str]) -> float:
    """Seconds the selection takes on the unmutated file in the project copy; RuntimeError (with pytest's
    last lines) when it does not pass there, since then no mutant could be judged."""
    env = dict(os.environ, **BLAS_SINGLE_THREAD)
    env["PYTHONPATH"] = str(project) + os.pathsep + env.get("PYTHONPATH", "")
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", *args, *PYTEST_ARGS, "-x"], cwd=str(project), env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise RuntimeError("the tests selected for %s fail on the unmutated code in the copy:\n%s" % (path, tail))
    return time.perf_counter() - began


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1:]))

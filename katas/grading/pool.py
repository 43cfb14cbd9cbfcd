"""Judging many files at once: worker processes over the local cores, one warm evaluator each.

What it is for: grade_all() runs katas.sandbox.check_file, the judge of `kata check`, on every
submission, `jobs` at a time. Each worker is a process of its own (the diagnosis is Python code:
threads would share one core) that keeps one katas.evaluator warm for all its checks, as
`kata watch` does, so a check after the first does not pay for starting an interpreter and
importing NumPy; the learner's code still runs in a fresh learner process for every check. A
submission is judged from a copy of its bytes, written to a temporary folder of its own: the
submitted file is only read. Whatever a file does (a crash, a hang, os._exit, an import of the
reference), it comes back as a sandbox Result with verdict "error" and the sandbox's sentence;
a worker that fails anyway gives its submission an error Result, and the run goes on.
What it is not for: scoring or writing anything (katas.grading.scoring, katas.grading.gradebook),
or the instructor commands' judging of card variants (katas.catalogue.sandboxed.judge_all).
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import pathlib
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import util

from katas import sandbox
from katas.evaluator.launch import Evaluator

# The evaluator of this worker process, started by the pool's initializer.
WORKER: dict[str, Evaluator] = {}


@dataclasses.dataclass(frozen=True)
class Task:
    """One check: the file to read, the network it implements, the probe seed and the time limit."""

    path: str
    network: str
    hidden_layers: int
    seed: int
    time_limit: float


def default_jobs() -> int:
    """One worker per CPU."""
    return max(1, os.cpu_count() or 1)


def start_worker() -> None:
    """The pool's initializer: one evaluator for all of this worker's checks, closed when it exits."""
    evaluator = Evaluator()
    WORKER["evaluator"] = evaluator
    util.Finalize(evaluator, evaluator.close, exitpriority=10)


def check(task: Task) -> sandbox.Result:
    """Judge one file from a copy of its bytes, with this worker's evaluator; never raises."""
    try:
        source = pathlib.Path(task.path).read_bytes()
    except OSError as exc:
        return sandbox.Result("error", "the file cannot be read: %s" % (exc.strerror or exc), seed=task.seed)
    try:
        with tempfile.TemporaryDirectory(prefix="kata-grade-") as folder:
            copy = pathlib.Path(folder) / pathlib.Path(task.path).name
            copy.write_bytes(source)
            return sandbox.check_file(copy, hidden_layers=task.hidden_layers, network=task.network,
                                      time_limit=task.time_limit, seed=task.seed, source=source,
                                      evaluator=WORKER.get("evaluator"))
    except Exception as exc:  # noqa: BLE001 - one error row, never a stopped run
        return sandbox.Result("error", "the check could not be run (%s: %s)" % (type(exc).__name__, exc),
                              seed=task.seed, source=source)


def grade_all(tasks: list[Task], jobs: int | None = None,
              done: Callable[[int, sandbox.Result], object] | None = None) -> Iterator[tuple[int, sandbox.Result]]:
    """Judge every Task; yield (index in tasks, Result) as each check finishes.

    jobs: worker processes (default: one per CPU, never more than there are tasks). done, if
    given, is called with the same pair first (a progress bar). A worker process that dies
    (the learner's code never runs in it, so this is the grader's own failure) breaks its pool:
    the tasks it left are judged again by one worker at a time, in order, so the task that
    breaks that pool is known, and becomes an error Result; the others are judged.
    """
    pending = list(range(len(tasks)))
    workers = max(1, min(jobs or default_jobs(), len(pending) or 1))
    while pending:
        broken = []
        for index, result in run_pool(tasks, pending, workers):
            if result is None:
                broken.append(index)
                continue
            if done is not None:
                done(index, result)
            yield index, result
        if broken and workers == 1:
            culprit = broken.pop(0)  # one worker judges in order: the first task left broke it
            result = sandbox.Result("error", "the grading worker judging this file stopped", seed=tasks[culprit].seed)
            if done is not None:
                done(culprit, result)
            yield culprit, result
        pending, workers = broken, 1


def run_pool(tasks: list[Task], pending: list[int], workers: int) -> Iterator[tuple[int, sandbox.Result | None]]:
    """(index, Result) of the pending tasks as they finish, with None for those a broken pool left."""
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                                initializer=start_worker) as pool:
        futures = {pool.submit(check, tasks[index]): index for index in pending}
        left = []
        for future in concurrent.futures.as_completed(futures):
            try:
                yield futures[future], future.result()
            except BrokenProcessPool:
                left.append(futures[future])
    for index in sorted(left):
        yield index, None

"""Judging card code for the instructor commands: each file in the sandbox, a few at a time.

What it is for: `kata cards`, `kata dev check` and `kata dev promote` never execute a card's
variant, a kata file, a mutant or the reference in their own process. judge_all() writes each
source to a file in a fresh temporary folder and runs katas.sandbox.check_file on it (a
separate process with a time limit, capped memory and output), a small thread pool running
several checks at once (each check is its own process, so the threads only wait). A variant
that hangs, ends the process or crashes comes back as a Verdict "error" with the sandbox's
sentence saying what happened; nothing raises. A Job may ask for the digest of the file's
results on the probe problems (katas.sandbox.behaviour), and Verdict.same_kata() compares two
verdicts by diagnosis and digest: what `kata dev check` and `kata dev promote` call a duplicate.
What it is not for: loading cards (katas.catalogue), comparing a verdict with a card's
[expect] (catalogue.expectation_errors), or checking a learner's own file (katas.commands.check
calls the sandbox itself).
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import math
import os
import pathlib
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from katas import sandbox
from reference.diagnose import FACTOR_RTOL

# At most this many checks run at once: each one is a process busy on one core.
MAX_WORKERS = 8


@dataclasses.dataclass(frozen=True)
class Job:
    """One file to judge: its text, the file name it gets (messages quote it), its depth, its network,
    and whether to bring back the digest of its behaviour (katas.sandbox.behaviour)."""

    source: str
    filename: str
    hidden_layers: int = 1
    network: str = "net"
    behaviour: bool = False


@dataclasses.dataclass
class Verdict:
    """What the sandbox said of one file, in the fields the instructor commands compare.

    - verdict: "green", "red" or "error" (the file could not be checked: problem says why).
    - problem: the sandbox's sentence (for an error: a hang, an exit, a crash, a load failure).
    - signature, params, factor, factor_tracks, evidence: the diagnosis (None / empty on error);
      factor is a float (nan or inf as floats) or None.
    - behaviour: the digest of the file's results on the probe problems (katas.sandbox.behaviour),
      when the Job asked for it and the check finished; else None.
    """

    verdict: str
    problem: str
    signature: str | None = None
    params: tuple[str, ...] = ()
    factor: float | None = None
    factor_tracks: str | None = None
    evidence: tuple[str, ...] = ()
    behaviour: str | None = None

    @property
    def green(self) -> bool:
        return self.verdict == "green"

    @property
    def error(self) -> bool:
        return self.verdict == "error"

    @classmethod
    def from_result(cls, result: sandbox.Result) -> Verdict:
        if result.verdict not in ("green", "red"):
            return cls("error", result.problem or "the check did not finish")
        return cls(result.verdict, result.problem, signature=result.signature, params=tuple(result.params or ()),
                   factor=as_float(result.factor), factor_tracks=result.factor_tracks,
                   evidence=tuple(result.evidence or ()), behaviour=result.behaviour)

    def same_kata(self, other: Verdict) -> bool:
        """Whether two variants make the same kata: the same diagnosis (signature, params, and
        factor within the diagnoser's tolerance) and bit-identical results on the probe problems.

        False when either could not be checked or has no behaviour digest.
        """
        if self.error or other.error or self.behaviour is None or self.behaviour != other.behaviour:
            return False
        if (self.signature, self.params, self.factor_tracks) != (other.signature, other.params, other.factor_tracks):
            return False
        if self.factor is None or other.factor is None:
            return self.factor is None and other.factor is None
        if math.isnan(self.factor) or math.isnan(other.factor):
            return math.isnan(self.factor) and math.isnan(other.factor)
        return self.factor == other.factor or math.isclose(self.factor, other.factor, rel_tol=FACTOR_RTOL)

    def summary(self) -> dict[str, Any]:
        """The diagnosis as katas.audit.census.summarize gives it (what katas.audit.promote writes a card from)."""
        return {"signature": self.signature, "params": list(self.params),
                "factor": self.factor if self.factor is not None and math.isfinite(self.factor) else None,
                "factor_tracks": self.factor_tracks, "evidence": self.evidence[0] if self.evidence else ""}


def as_float(value: float | str | None) -> float | None:
    """A factor from a sandbox Result (a number, or "nan" / "inf" as text) as a float, or None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def default_workers() -> int:
    """One check per CPU, at most MAX_WORKERS."""
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def judge_all(jobs: Iterable[Job], time_limit: float | None = None, workers: int | None = None) -> Iterator[Verdict]:
    """Judge every Job in the sandbox; yield one Verdict per job, in the order of jobs.

    time_limit: seconds per check (None: $KATA_TIME_LIMIT, else the sandbox's default).
    workers: checks at once (default: default_workers()). Each file is written to its own
    folder of a temporary directory that is removed afterwards.
    """
    jobs = list(jobs)
    if not jobs:
        return
    workers = max(1, min(workers or default_workers(), len(jobs)))
    with tempfile.TemporaryDirectory(prefix="kata-judge-") as folder:
        def judge(numbered: tuple[int, Job]) -> Verdict:
            index, job = numbered
            return judge_one(job, pathlib.Path(folder) / str(index), time_limit)

        pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kata-judge")
        try:
            futures = [pool.submit(judge, numbered) for numbered in enumerate(jobs)]
            for future in futures:
                yield future.result()
        finally:
            # On Ctrl-C or an early stop, the checks not yet started never start; the running
            # ones end within their time limit.
            pool.shutdown(wait=True, cancel_futures=True)


def judge_source(source: str, filename: str, hidden_layers: int = 1, time_limit: float | None = None,
                 network: str = "net", behaviour: bool = False) -> Verdict:
    """Judge one source text in the sandbox (in a temporary folder of its own); a Verdict."""
    with tempfile.TemporaryDirectory(prefix="kata-judge-") as folder:
        return judge_one(Job(source, filename, hidden_layers, network, behaviour), pathlib.Path(folder),
                         time_limit)


def judge_one(job: Job, folder: pathlib.Path, time_limit: float | None = None) -> Verdict:
    """Write one Job's source in folder and judge it; a Verdict, never an exception."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / job.filename
        path.write_text(job.source, encoding="utf-8")
        # Seed 0: the documented probe sizes, so that a factor that depends on N (a card's
        # `factor`) is compared at the N it was written for; signatures do not depend on it.
        result = sandbox.check_file(path, hidden_layers=job.hidden_layers, time_limit=time_limit, entries=False,
                                    seed=0, network=job.network, behaviour=job.behaviour)
    except Exception as exc:  # noqa: BLE001 - no check: say why, never raise into the command
        return Verdict("error", "the check could not be run (%s: %s)" % (type(exc).__name__, exc))
    return Verdict.from_result(result)

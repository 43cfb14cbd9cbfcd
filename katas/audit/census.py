"""The signature census: reference.diagnose.diagnose on each mutant, with a time limit per mutant.

What it is for: telling instructors which kinds of bugs mutation produces. diagnose_all()
loads each mutant's source as a fresh module (katas.catalogue.load_module), calls
diagnose(module.loss) and returns a summary per mutant: signature, params, factor, how the
factor tracks the batch size, and the first line of evidence. The work runs in worker
processes (`python -m katas.audit.census JOBS START STEP`), so that a mutant whose diagnosis hangs
is stopped after `timeout` seconds and recorded as such while the others go on, and so that
the mutants' code never runs in the caller's process.
What it is not for: running the tests (mutmut does) or deciding a mutant's status.
"""
from __future__ import annotations

import json
import os
import pathlib
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from typing import IO, Any

from katas.audit import lifeline
from reference.diagnose import Diagnosis

DEFAULT_TIMEOUT = 10.0
BLAS_SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def summarize(diagnosis: Diagnosis) -> dict[str, Any]:
    """The JSON-ready part of a Diagnosis the audit keeps."""
    return {
        "signature": diagnosis.signature,
        "params": list(diagnosis.params),
        "factor": diagnosis.factor,
        "factor_tracks": diagnosis.factor_tracks,
        "evidence": diagnosis.evidence[0] if diagnosis.evidence else "",
    }


def diagnose_source(source: str, name: str, hidden_layers: int = 1, network: str = "net") -> dict[str, Any]:
    """Load source as a module and diagnose its loss; a dict from summarize(), or an error dict."""
    from katas import catalogue
    from reference import diagnose

    try:
        module = catalogue.load_module(source, "mutant_" + name.replace(".", "_"), "<mutant %s>" % name)
        loss = module.loss
    except Exception as exc:  # noqa: BLE001 - a mutant that does not even load
        return {"signature": "crash", "params": [], "factor": None, "factor_tracks": None,
                "evidence": "the mutant does not load: %s: %s" % (type(exc).__name__, exc)}
    return summarize(diagnose.diagnose(loss, hidden_layers=hidden_layers, network=network))


def worker(jobs_path: str, start: int, step: int) -> int:
    """Diagnose jobs start, start + step, ...; one JSON line per job on the original stdout.

    The first line says the imports are done ({"ready": true}); the time limit of each job
    runs from the line before it. Anything the mutants print goes to stderr, so the protocol
    stays clean.
    """
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    from katas import catalogue  # noqa: F401 - imported before the clock of the first job starts
    from reference import diagnose  # noqa: F401
    jobs = json.loads(pathlib.Path(jobs_path).read_text(encoding="utf-8"))
    channel.write(json.dumps({"ready": True}) + "\n")
    channel.flush()
    for index in range(start, len(jobs), step):
        job = jobs[index]
        began = time.perf_counter()
        result = diagnose_source(job["source"], job["name"], job.get("hidden_layers", 1), job.get("network", "net"))
        result["seconds"] = round(time.perf_counter() - began, 4)
        channel.write(json.dumps({"index": index, "result": result}) + "\n")
        channel.flush()
    return 0


class _Worker(object):
    """One worker process and where it is in its share of the jobs."""

    def __init__(self, jobs_path: pathlib.Path, start: int, step: int, cwd: pathlib.Path,
                 env: dict[str, str]) -> None:
        self.step = step
        self.expected = start
        self.buffer = b""
        self.ready = False
        self.deadline = 0.0  # time.monotonic() by which the worker must have said something
        self.log_path = jobs_path.parent / ("worker-%d.log" % start)
        with open(self.log_path, "wb") as log:
            self.process = lifeline.spawn(
                [sys.executable, "-m", "katas.audit.census", str(jobs_path), str(start), str(step)], new_session=False,
                cwd=str(cwd), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
        assert self.process.stdout is not None  # stdout=PIPE
        self.stdout: IO[bytes] = self.process.stdout
        os.set_blocking(self.stdout.fileno(), False)

    def last_words(self) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.stdout.close()


def diagnose_all(jobs: list[dict[str, Any]], cwd: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT,
                 workers: int = 1, startup: float = 60.0,
                 folder: str | os.PathLike[str] | None = None) -> list[dict[str, Any] | None]:
    """Diagnose every job; return a list of result dicts, one per job, in order.

    jobs: dicts with name, source and optionally hidden_layers. cwd: the directory the
    workers run in (its `reference` package, if it has one, is the one diagnose compares
    against); nothing is written there. A mutant still running after `timeout` seconds gets
    {"signature": None, "error": ...} and its worker is replaced; a worker that dies loses
    only the mutant it was on. A worker has `startup` seconds to import what it needs before
    its first job's clock starts; one that dies before that fails its whole share of the
    jobs, with the last line it wrote to stderr. folder: where the jobs file and the workers'
    logs go (created, and removed afterwards; default: a new temporary folder). The workers
    die with this process (katas.audit.lifeline.spawn, on Linux).
    """
    results: list[dict[str, Any] | None] = [None] * len(jobs)
    if not jobs:
        return results
    cwd = pathlib.Path(cwd)
    if folder is None:
        scratch = pathlib.Path(tempfile.mkdtemp(prefix="kata-census-"))
    else:
        scratch = pathlib.Path(folder)
        scratch.mkdir(parents=True)
    jobs_path = scratch / "jobs.json"
    jobs_path.write_text(json.dumps(jobs), encoding="utf-8")
    env = dict(os.environ, **BLAS_SINGLE_THREAD)
    workers = max(1, min(workers, len(jobs)))
    selector = selectors.DefaultSelector()
    running: list[_Worker] = []

    def start(first: int, step: int) -> None:
        w = _Worker(jobs_path, first, step, cwd, env)
        w.deadline = time.monotonic() + startup
        selector.register(w.stdout, selectors.EVENT_READ, w)
        running.append(w)

    def retire(w: _Worker, reason: str) -> None:
        """Record reason for the job w was on, then restart after it if jobs remain."""
        selector.unregister(w.stdout)
        running.remove(w)
        w.stop()
        failed = [w.expected] if w.ready else list(range(w.expected, len(jobs), w.step))
        if not w.ready:
            reason = "the diagnosis process could not start: %s" % (w.last_words() or reason)
        for index in failed:
            results[index] = {"signature": None, "params": [], "factor": None, "factor_tracks": None,
                              "evidence": "", "error": reason}
        if w.ready and w.expected + w.step < len(jobs):
            start(w.expected + w.step, w.step)

    try:
        for first in range(workers):
            start(first, workers)
        while running:
            now = time.monotonic()
            wait = max(0.0, min(w.deadline for w in running) - now)
            for key, _ in selector.select(timeout=wait):
                w = key.data
                chunk = os.read(w.stdout.fileno(), 1 << 16)
                if not chunk:
                    w.process.wait()
                    retire(w, "the diagnosis process died (exit code %s)" % w.process.returncode)
                    continue
                w.buffer += chunk
                while b"\n" in w.buffer:
                    line, w.buffer = w.buffer.split(b"\n", 1)
                    message = json.loads(line)
                    if "index" in message:
                        results[message["index"]] = message["result"]
                        w.expected = message["index"] + w.step
                    w.ready = True
                    w.deadline = time.monotonic() + timeout
                if w.expected >= len(jobs):
                    selector.unregister(w.stdout)
                    running.remove(w)
                    w.stop()
            now = time.monotonic()
            for w in [w for w in running if w.deadline <= now]:
                retire(w, "the diagnosis did not finish within %g s" % timeout)
    finally:
        for w in list(running):
            selector.unregister(w.stdout)
            w.stop()
        selector.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return results


if __name__ == "__main__":
    sys.exit(worker(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))

"""The mutation audit: mutmut in a fresh copy of the project, an honest score, a signature census.

What it is for: `kata audit` (katas/commands/audit.py). run_audit() copies what mutmut needs
(pyproject.toml, the source paths and the selected test files named in [tool.mutmut], and
its also_copy paths) into a new temporary directory, runs `mutmut run` there with BLAS
threads at 1, reads the per-mutant results (katas.audit.mutants), applies the equivalence register
(katas.audit.equivalence), diagnoses the mutants of the network files (katas.audit.census) and returns
an Audit: every mutant with its status, diff and diagnosis, the counts, the score and the
timings. A fresh copy each time means no stale mutmut cache: a survivor is always re-tested
against the current tests. The working tree is only read, and the copy is removed
afterwards, also when the run is interrupted (Ctrl-C, or SIGTERM / SIGHUP under
katas.audit.lifeline.stop_signals) and, by a watchdog process, when the audit is killed outright;
mutmut runs in a process group of its own that ends with the audit (katas.audit.lifeline).
What it is not for: printing or writing the reports (katas.audit.report), parsing arguments.
"""
from __future__ import annotations

import collections
import dataclasses
import importlib.metadata
import os
import pathlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from katas.toml import tomllib
from katas.audit import census, domain, equivalence, lifeline, mutants
from katas.audit.mutants import Mutant

BLAS_SINGLE_THREAD = census.BLAS_SINGLE_THREAD
# Thresholds in percent, as in Stryker: at or above `high` the score is high, below `low` it
# is low; `kata audit --break` exits non-zero below `break`.
DEFAULT_THRESHOLDS = {"high": 100.0, "low": 90.0, "break": 100.0}
MUTMUT = "from mutmut.__main__ import cli; cli()"
SOURCES = ("mutmut", "domain")
LOG_NAME = "mutmut-run.log"


class AuditError(Exception):
    """The audit could not produce a trustworthy result; the message says why and what to do."""


@dataclasses.dataclass
class Settings:
    """What the audit reads from pyproject.toml.

    Fields: root (the project directory); source_paths, do_not_mutate, test_selection and
    also_copy ([tool.mutmut]'s source_paths, do_not_mutate, pytest_add_cli_args_test_selection,
    also_copy); thresholds (high, low, break, in percent) and census (source file -> hidden
    layers of the network it defines, for the files diagnose can judge) and census_timeout
    (seconds per mutant) from [tool.backprop-kata.audit]; domain ([tool.backprop-kata.audit.domain]:
    source file -> the pytest arguments that select the tests judging its domain mutants).
    census values are a depth (the two-layer net and the MLP) or a network's name (reference/networks/).
    """

    root: pathlib.Path
    source_paths: list[str]
    do_not_mutate: list[str]
    test_selection: list[str]
    also_copy: list[str]
    thresholds: dict[str, float]
    census: dict[str, int | str]
    census_timeout: float
    domain: dict[str, list[str]] = dataclasses.field(default_factory=dict)


def load_settings(root: str | os.PathLike[str]) -> Settings:
    """Settings from root/pyproject.toml; AuditError if it has no usable [tool.mutmut]."""
    root = pathlib.Path(root).resolve()
    path = root / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AuditError("cannot read %s (%s): run the audit from a source checkout, or pass --root" % (path, exc))
    except tomllib.TOMLDecodeError as exc:
        raise AuditError("%s is not valid TOML: %s" % (path, exc))
    except (RecursionError, UnicodeDecodeError):
        raise AuditError("%s is not valid TOML: it is not UTF-8, or nests too deeply to parse" % path) from None
    tool = data.get("tool", {})
    config = tool.get("mutmut")
    if not isinstance(config, dict):
        raise AuditError("%s has no [tool.mutmut] table: the audit needs source_paths and "
                         "pytest_add_cli_args_test_selection there" % path)
    source_paths = config.get("source_paths") or config.get("paths_to_mutate")
    if not source_paths:
        raise AuditError("[tool.mutmut] in %s sets no source_paths: name the code to mutate" % path)
    selection = config.get("pytest_add_cli_args_test_selection") or []
    if not selection:
        raise AuditError("[tool.mutmut] in %s sets no pytest_add_cli_args_test_selection: name the tests that "
                         "judge the network, or mutmut runs the whole suite" % path)
    audit = tool.get("backprop-kata", {}).get("audit", {})
    thresholds = dict(DEFAULT_THRESHOLDS)
    for key in thresholds:
        if key in audit:
            if not isinstance(audit[key], (int, float)) or isinstance(audit[key], bool) or not 0 <= audit[key] <= 100:
                raise AuditError("[tool.backprop-kata.audit] %s = %r: a percentage from 0 to 100" % (key, audit[key]))
            thresholds[key] = float(audit[key])
    if thresholds["low"] > thresholds["high"]:
        raise AuditError("[tool.backprop-kata.audit]: low (%g) is above high (%g)" % (thresholds["low"],
                                                                                      thresholds["high"]))
    networks = audit.get("census", {})
    if not isinstance(networks, dict) or not all(
            (isinstance(v, int) and not isinstance(v, bool) and v >= 1) or (isinstance(v, str) and v.isidentifier())
            for v in networks.values()):
        raise AuditError("[tool.backprop-kata.audit] census must map source files to their number of hidden "
                         "layers or their network's name, e.g. census = { \"reference/net.py\" = 1, "
                         "\"reference/rnn.py\" = \"rnn\" }")
    selections = audit.get("domain", {})
    if not isinstance(selections, dict) or not all(
            isinstance(v, list) and v and all(isinstance(a, str) for a in v) for v in selections.values()):
        raise AuditError("[tool.backprop-kata.audit.domain] must map source files to the pytest arguments that "
                         "select their tests, e.g. \"reference/net.py\" = [\"tests/reference/test_net.py\"]")
    return Settings(root=root, source_paths=[str(p) for p in source_paths],
                    do_not_mutate=list(config.get("do_not_mutate", [])), test_selection=[str(a) for a in selection],
                    also_copy=[str(p) for p in config.get("also_copy", [])], thresholds=thresholds,
                    census=dict(networks), census_timeout=float(audit.get("census_timeout", census.DEFAULT_TIMEOUT)),
                    domain={str(k): [str(a) for a in v] for k, v in selections.items()})


def selected_test_files(selection: Iterable[str]) -> list[str]:
    """The files named by pytest arguments (node ids lose their ::part; options are skipped)."""
    files: list[str] = []
    for arg in selection:
        if arg.startswith("-"):
            continue
        path = arg.split("::", 1)[0]
        if path.endswith(".py") or "/" in path:
            if path not in files:
                files.append(path)
    return files


def _ignore(directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__" or n.endswith(".pyc") or n == "mutants"]


def copy_project(settings: Settings, destination: str | os.PathLike[str]) -> list[str]:
    """Copy only what mutmut needs into destination; return the relative paths copied.

    That is pyproject.toml, the source paths, the selected test files with the conftest.py
    and __init__.py files of their folders, and [tool.mutmut]'s also_copy paths.
    AuditError if a source path or a selected test file is missing.
    """
    root, destination = settings.root, pathlib.Path(destination)
    wanted = ["pyproject.toml"] + list(settings.source_paths)
    selection = list(settings.test_selection) + [a for args in settings.domain.values() for a in args]
    for test_file in selected_test_files(selection):
        if not (root / test_file).exists():
            raise AuditError("the test selection names %s, which does not exist: update "
                             "pytest_add_cli_args_test_selection in [tool.mutmut]" % test_file)
        wanted.append(test_file)
        folder = pathlib.PurePosixPath(test_file).parent
        while str(folder) not in ("", "."):
            for helper in ("conftest.py", "__init__.py"):
                wanted.append(str(folder / helper))
            folder = folder.parent
    copied: list[str] = []
    for relative in wanted + list(settings.also_copy):
        source = root / relative
        target = destination / relative
        key = pathlib.PurePosixPath(relative).as_posix().rstrip("/")
        if key in copied:
            continue
        if source.is_dir():
            shutil.copytree(source, target, ignore=_ignore, dirs_exist_ok=True)
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif relative in settings.source_paths:
            raise AuditError("[tool.mutmut] source_paths names %s, which does not exist" % relative)
        else:
            continue
        copied.append(key)
    return copied


def mutmut_version() -> str | None:
    try:
        return importlib.metadata.version("mutmut")
    except importlib.metadata.PackageNotFoundError:
        return None


def run_mutmut(project: pathlib.Path, max_children: int, log_path: pathlib.Path, scratch: lifeline.Scratch,
               verbose: bool = False) -> int:
    """Run `mutmut run` in project as a child process; return its exit code.

    The child leads a process group of its own, adopted by scratch (a katas.audit.lifeline.Scratch):
    on Ctrl-C, SIGTERM or SIGHUP here the whole group, mutmut and the workers it forked, is
    stopped before the copy is removed; if the audit is killed, the kernel kills mutmut (Linux)
    and scratch's watchdog kills the group and removes the copy.
    """
    env = dict(os.environ, **BLAS_SINGLE_THREAD)
    env.pop("MUTANT_UNDER_TEST", None)
    with open(log_path, "wb") as log:
        process = lifeline.spawn(
            [sys.executable, "-c", MUTMUT, "run", "--max-children", str(max_children)],
            cwd=str(project), env=env, stdin=subprocess.DEVNULL,
            stdout=None if verbose else log, stderr=subprocess.STDOUT if not verbose else None)
        scratch.adopt(process)
        try:
            return process.wait()
        except BaseException:
            lifeline.stop_group(process)
            raise


def tail(path: str | os.PathLike[str], lines: int = 30) -> str:
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    text = text.replace("\r", "\n")
    return "\n".join([line for line in text.splitlines() if line.strip()][-lines:])


@dataclasses.dataclass
class Score:
    """Counts and the mutation score of a list of mutants.

    Fields: counts (status -> number, over every mutant), total, equivalent (mutants the
    register marks equivalent: never killed ones, see katas.audit.equivalence.apply_register),
    killed (killed mutants; always counts["killed"]), score (killed / (total - equivalent), or
    None when nothing is left to score), graded (False when the equivalence register is
    stale: the score is then computed without the stale entries but given no grade), band
    ("high", "medium" or "low" against the thresholds, "none" when nothing is left to score,
    None when not graded), passed (score at or above the break threshold; None when not
    graded).
    """

    counts: dict[str, int]
    total: int
    equivalent: int
    killed: int
    score: float | None
    band: str | None
    passed: bool | None
    graded: bool = True

    @property
    def percent(self) -> float | None:
        return None if self.score is None else 100.0 * self.score


def compute_score(found: Sequence[Mutant], thresholds: dict[str, float],
                  register_problems: Sequence[str] = ()) -> Score:
    """The Score of the mutants against thresholds (percent: high, low, break).

    register_problems: what katas.audit.equivalence.apply_register found wrong with the register.
    When there are any, the register is stale and the score is not graded (band and passed
    None); it is still computed, without the stale entries (they mark no mutant).
    A killed mutant counts as killed even if something marked it equivalent.
    """
    counts = collections.OrderedDict((status, 0) for status in mutants.STATUSES)
    for mutant in found:
        counts[mutant.status] = counts.get(mutant.status, 0) + 1
    equivalent = sum(1 for m in found if m.equivalent is not None and m.status != "killed")
    killed = counts["killed"]
    scored = len(found) - equivalent
    score = killed / float(scored) if scored else None
    percent = None if score is None else 100.0 * score
    if register_problems:
        return Score(counts=counts, total=len(found), equivalent=equivalent, killed=killed, score=score,
                     band=None, passed=None, graded=False)
    if percent is None:
        band = "none"
    elif percent >= thresholds["high"]:
        band = "high"
    elif percent >= thresholds["low"]:
        band = "medium"
    else:
        band = "low"
    return Score(counts=counts, total=len(found), equivalent=equivalent, killed=killed, score=score, band=band,
                 passed=percent is not None and percent >= thresholds["break"])


def census_counts(found: Iterable[Mutant]) -> dict[str, int]:
    """Signature -> number of killed mutants diagnosed so, most frequent first."""
    counter: collections.Counter[str] = collections.Counter()
    for mutant in found:
        if mutant.status != "killed":
            continue
        diagnosis = mutant.diagnosis
        if diagnosis is None:
            counter["(not diagnosed)"] += 1
        elif diagnosis.get("signature") is None:
            counter["(diagnosis failed)"] += 1
        else:
            counter[diagnosis["signature"]] += 1
    return collections.OrderedDict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclasses.dataclass
class Audit:
    """The result of one audit: see katas.audit.report for how it is shown."""

    settings: Settings
    mutants: list[Mutant]
    score: Score
    census: dict[str, int]
    register_problems: list[str]
    seconds: dict[str, float]
    mutmut_version: str | None
    max_children: int
    cards: dict[str, int] = dataclasses.field(default_factory=dict)
    register_path: str | None = None
    sources: list[str] = dataclasses.field(default_factory=lambda: ["mutmut"])

    def breakdown(self, key: Callable[[Mutant], str]) -> dict[str, Score]:
        """The Score of each group of mutants (by source: m.kind; by operator: m.operator)."""
        groups: dict[str, list[Mutant]] = collections.OrderedDict()
        for mutant in sorted(self.mutants, key=key):
            groups.setdefault(key(mutant), []).append(mutant)
        return collections.OrderedDict((name, compute_score(found, self.settings.thresholds, self.register_problems))
                                       for name, found in groups.items())

    @property
    def files(self) -> list[str]:
        """The mutated source files (those mutmut made mutants of), sorted."""
        return sorted({m.path for m in self.mutants})


def card_census() -> dict[str, int]:
    """Signature -> number of hand-written cards expecting it (read as data, nothing is run)."""
    from katas import catalogue
    counter = collections.Counter(card.signature for card in catalogue.load_catalogue()[0])
    return collections.OrderedDict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def census_job(mutant: Mutant, target: int | str) -> dict[str, Any]:
    """A census job for a mutant of a file the census knows: its depth, or its network's name."""
    if isinstance(target, str):
        return {"name": mutant.name, "source": mutant.source, "network": target}
    return {"name": mutant.name, "source": mutant.source, "hidden_layers": target,
            "network": "net" if target == 1 else "mlp"}


def run_domain(settings: Settings, project: pathlib.Path, files: Sequence[str], workers: int,
               scratch: lifeline.Scratch, out: Callable[[str], object]) -> tuple[list[Mutant], dict[str, float]]:
    """The domain mutants of files, judged in the copy; and the clean run's seconds per file."""
    found = domain.generate(project, files)
    clean: dict[str, float] = {}
    for path in files:
        try:
            clean[path] = domain.clean_run(project, path, settings.domain[path])
        except RuntimeError as exc:
            raise AuditError(str(exc))
    out("judging %d domain mutants of %s with %d worker%s (one collection, a fork per mutant)..." % (
        len(found), ", ".join(files), workers, "s" if workers > 1 else ""))
    try:
        domain.judge(project, found, settings.domain, workers, scratch, clean)
    except RuntimeError as exc:
        raise AuditError(str(exc))
    return found, clean


def run_audit(root: str | os.PathLike[str], max_children: int | None = None,
              register_path: str | os.PathLike[str] = equivalence.REGISTER_PATH, diagnose: bool = True,
              verbose: bool = False, out: Callable[[str], object] = print, sources: Sequence[str] = SOURCES,
              files: Sequence[str] | None = None) -> Audit:
    """Audit the project at root; return an Audit. AuditError when no trustworthy result is possible.

    max_children: mutmut's workers (default: the CPU count). register_path: the equivalence
    register. diagnose: run the signature census (and count the cards' signatures beside it).
    verbose: show mutmut's own output. sources: "mutmut" and/or "domain" (the operators of
    katas.audit.operators on every file of [tool.backprop-kata.audit.domain]). files: only these
    source files (default: every one).
    """
    unknown = [source for source in sources if source not in SOURCES]
    if unknown or not sources:
        raise AuditError("unknown mutant source %r: the sources are %s" % (
            unknown[0] if unknown else "", ", ".join(SOURCES)))
    if not hasattr(os, "fork"):
        raise AuditError("mutmut 3 runs each mutant in a forked process, which this platform lacks: run the audit "
                         "on Linux or macOS (on Windows, in WSL)")
    version = mutmut_version()
    if "mutmut" in sources and version is None:
        raise AuditError("mutmut is not installed: python -m pip install -e \".[dev]\"")
    if "mutmut" in sources and version is not None and not version.startswith("3."):
        raise AuditError("the audit reads mutmut 3's result files, but mutmut %s is installed" % version)
    started = time.perf_counter()
    settings = load_settings(root)
    domain_files = [f for f in settings.domain if files is None or f in files]
    if files is not None:
        strangers = [f for f in files if f not in settings.domain and f not in settings.census]
        if strangers:
            raise AuditError("%s is not an audited file: the files are %s" % (
                strangers[0], ", ".join(sorted(set(settings.domain) | set(settings.census)))))
    register = pathlib.Path(register_path)
    if register.exists() and not register.is_file():
        raise AuditError("the equivalence register %s is not a file: pass --register with a TOML file"
                         % register_path)
    try:
        entries = equivalence.load_register(register_path)
    except (OSError, RecursionError) as exc:
        raise AuditError("cannot read the equivalence register %s (%s): pass --register with a TOML file" % (
            register_path, "nested too deeply to parse" if isinstance(exc, RecursionError) else
            exc.strerror or exc)) from None
    max_children = max_children or os.cpu_count() or 1
    seconds: dict[str, float] = {}
    scratch = lifeline.Scratch(prefix="kata-audit-")
    work = pathlib.Path(scratch.path)
    try:
        project = work / "project"
        project.mkdir()
        copied = copy_project(settings, project)
        seconds["copy"] = time.perf_counter() - started
        out("copied %s into %s" % (", ".join(copied), project))
        found: list[Mutant] = []
        if "mutmut" in sources:
            found += run_mutmut_source(project, max_children, work, scratch, verbose, version, seconds, out)
            if files is not None:
                found = [m for m in found if m.path in files]
        if "domain" in sources and domain_files:
            begun = time.perf_counter()
            judged_domain, _ = run_domain(settings, project, domain_files, max_children, scratch, out)
            found += judged_domain
            seconds["domain"] = time.perf_counter() - begun
        if not found:
            raise AuditError("no mutants: check source_paths and do_not_mutate in [tool.mutmut] and the files of "
                             "[tool.backprop-kata.audit.domain]")
        problems = equivalence.apply_register(entries, found, sources)
        if diagnose:
            begun = time.perf_counter()
            judged = [m for m in found if m.path in settings.census]
            out("diagnosing %d mutants (signature census)..." % len(judged))
            results = census.diagnose_all(
                [census_job(m, settings.census[m.path]) for m in judged],
                project, timeout=settings.census_timeout, workers=max_children, folder=work / "census")
            for mutant, result in zip(judged, results):
                mutant.diagnosis = result
            seconds["census"] = time.perf_counter() - begun
    finally:
        scratch.close()
    seconds["total"] = time.perf_counter() - started
    diagnosed = any(m.diagnosis for m in found)
    return Audit(settings=settings, mutants=found, score=compute_score(found, settings.thresholds, problems),
                 census=census_counts(found), register_problems=problems, seconds=seconds, mutmut_version=version,
                 max_children=max_children, cards=card_census() if diagnosed else {},
                 register_path=str(register_path), sources=list(sources))


def run_mutmut_source(project: pathlib.Path, max_children: int, work: pathlib.Path, scratch: lifeline.Scratch,
                      verbose: bool, version: str | None, seconds: dict[str, float],
                      out: Callable[[str], object]) -> list[Mutant]:
    """mutmut's mutants, run and read in the copy, each with the kind of edit it makes as its operator."""
    out("running mutmut %s with %d worker%s (OMP/OPENBLAS/MKL threads = 1)..." % (
        version, max_children, "s" if max_children > 1 else ""))
    log = work / LOG_NAME
    begun = time.perf_counter()
    code = run_mutmut(project, max_children, log, scratch, verbose)
    seconds["mutmut"] = time.perf_counter() - begun
    if code != 0:
        raise AuditError("mutmut run exited with code %d; the end of its output:\n%s" % (code, tail(log)))
    try:
        found = mutants.read_results(project)
    except mutants.MutantsError as exc:
        raise AuditError(str(exc))
    if not found:
        raise AuditError("mutmut made no mutants: check source_paths and do_not_mutate in [tool.mutmut]")
    unfinished = [m.name for m in found if m.status in ("not checked", "interrupted")]
    if unfinished:
        raise AuditError("mutmut left %d mutants unchecked (e.g. %s): the run did not finish" % (
            len(unfinished), unfinished[0]))
    for mutant in found:
        mutant.operator = mutants.edit_kind(mutant.before, mutant.after)
    return found


def default_root() -> pathlib.Path:
    """The project this package was installed from: the parent of the katas/ folder."""
    return pathlib.Path(__file__).resolve().parent.parent.parent

"""The learner's workspace: kata files, the progress file, backups.

What it is for: where a learner's work lives and what state it is in. The workspace is a
plain folder (./workspace by default, or the workspace the current directory is in;
--workspace DIR or $KATA_WORKSPACE to put it elsewhere) holding one file per started kata,
NN-id.py (the whole network module with the card's bug in it, under a header with the card's
title and story), progress.json (per kata: state, hints revealed, checks, timestamps) and
backups/ (what `kata reset` moved aside).
Writing never destroys work: a kata file is only created where none exists, a reset first
moves the old file into backups/, and every file written here is replaced atomically
(temporary file, fsync, os.replace), so an interrupted write leaves the previous version whole.
Every terminal shares the progress: each change is a read-modify-write under a lock
(.progress.lock beside progress.json, flock where POSIX has it) that re-reads the file and
changes only what the command changed. A check adds one to `checks` and may mark a kata
solved; only a reset makes a solved kata in progress again; nothing lowers a hint count.
Reading progress never raises: a field with a wrong type or value takes its default and the
rest of its entry is kept; an unreadable file is kept aside as progress.json.broken-<stamp>;
a folder in its place, a read-only workspace or a full disk leave the progress in memory for
the command. Each case becomes one sentence of take_warnings(), for the command to print.
What it is not for: running the learner's code (katas.sandbox), guarding the workspace while
that code runs (katas.learner.guard), or printing.
"""
from __future__ import annotations

import contextlib
import os
import pathlib
from collections.abc import Callable, Iterator
from typing import TypeVar

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock between terminals
    fcntl = None  # type: ignore[assignment]  # the module, or None where there is none

from katas import catalogue, names, paths
from katas.learner import files
from katas.learner.katafile import kata_filename, render_kata
from katas.learner.progress import (SHOWN_PROBLEMS, Entry, Progress, State, now, parse_progress, progress_bytes,
                                    read_progress, readable)

DEFAULT_DIR = "workspace"
WORKSPACE_ENV = "KATA_WORKSPACE"
CARDS_ENV = "KATA_CARDS"
PROGRESS_FILE = "progress.json"
LOCK_FILE = ".progress.lock"
BACKUPS_DIR = "backups"
PROGRESS_VERSION = 1
KATA_FILE = names.KATA_FILE
T = TypeVar("T")


class WorkspaceError(Exception):
    """A kata file that could not be written or moved; the message names it, says why and what to do."""


def resolve(option: str | os.PathLike[str] | None = None) -> pathlib.Path:
    """The workspace folder: the --workspace option, else $KATA_WORKSPACE, else the workspace
    the current directory is in (the learner ran `kata` from inside it), else ./workspace."""
    chosen = option or os.environ.get(WORKSPACE_ENV)
    if chosen:
        return pathlib.Path(chosen).expanduser().resolve()
    here = pathlib.Path.cwd().resolve()
    for folder in (here,) + tuple(here.parents):
        if is_workspace(folder):
            return folder
    return here / DEFAULT_DIR


def is_workspace(folder: str | os.PathLike[str]) -> bool:
    """Whether folder holds a progress file written by this tool."""
    path = pathlib.Path(folder) / PROGRESS_FILE
    if not path.is_file():
        return False
    try:
        data = parse_progress(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data.get("katas"), dict) and "format_version" in data


def cards_dir() -> pathlib.Path:
    """The card folder: $KATA_CARDS (an instructor's catalogue in progress), else the installed one."""
    chosen = os.environ.get(CARDS_ENV)
    return pathlib.Path(chosen).expanduser().resolve() if chosen else catalogue.CARDS_DIR



class Workspace(object):
    """One workspace folder: kata files, progress.json and backups/.

    Reads of the progress (entry, state, current_id...) use the copy this object read first;
    every change (start, reset, record_check, reveal_hint) re-reads the file under the lock,
    changes its own fields, writes it back, and keeps what it wrote as the new copy.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = pathlib.Path(os.path.abspath(str(root)))
        self.progress_path = self.root / PROGRESS_FILE
        self.lock_path = self.root / LOCK_FILE
        self.backups = self.root / BACKUPS_DIR
        self.warnings: list[str] = []  # sentences for the learner about anything but the progress file
        self.saved = True  # whether the last change to the progress reached the disk
        self._notes: list[str] = []  # what went wrong with progress.json, said as one sentence
        self._progress: Progress | None = None
        self._in_memory = False  # progress.json cannot be used at all: never written by this object
        self._lock_depth = 0

    def kata_path(self, card: catalogue.Card) -> pathlib.Path:
        return self.root / kata_filename(card)

    def display(self, path: str | os.PathLike[str]) -> str:
        """path relative to the current directory when it is below it, else absolute."""
        return paths.display(path)

    def take_warnings(self) -> list[str]:
        """The sentences to show the learner since the last call (the progress file's as one)."""
        lines = list(self.warnings)
        if self._notes:
            lines.append("%s %s" % (self.display(self.progress_path), "; ".join(self._notes)))
        self.warnings, self._notes = [], []
        return lines

    def _note(self, text: str) -> None:
        if text not in self._notes:
            self._notes.append(text)

    # reading ------------------------------------------------------------------------
    @property
    def progress(self) -> Progress:
        if self._progress is None:
            self._progress = self._load()
        return self._progress

    def refresh(self) -> None:
        """Forget the copy read so far: the next look at the progress reads the file again."""
        if not self._in_memory:
            self._progress = None

    def _load(self) -> Progress:
        progress, problems, trouble, _ = self._read()
        if trouble is None and not problems:
            return progress
        self._change(lambda progress: None, "the repaired progress")  # repairs under the lock, as any change
        assert self._progress is not None  # kept by _change
        return self._progress

    def _read(self) -> tuple[Progress, list[str], tuple[str, str | None] | None, bytes | None]:
        """What progress.json holds now, changing nothing: (progress, problems, trouble, raw bytes).

        trouble is None when the file is usable or absent, else (kind, why): ("folder", None) or
        ("unreadable", a sentence); the progress is then rebuilt from the kata files present.
        """
        try:
            raw = self.progress_path.read_bytes()
        except FileNotFoundError:
            return Progress(), [], None, None
        except IsADirectoryError:
            return Progress(self._entries_from_files()), [], ("folder", None), None
        except OSError as exc:
            return Progress(self._entries_from_files()), [], ("unreadable", files.describe(exc)), None
        try:
            data = parse_progress(raw)
        except ValueError as exc:
            return Progress(self._entries_from_files()), [], ("unreadable", str(exc)), raw
        progress, problems, rebuild = read_progress(data)
        if rebuild:
            progress.katas = self._entries_from_files()
        return progress, problems, None, raw

    def _entries_from_files(self) -> dict[str, Entry]:
        """A fresh entry for each kata file in the folder (their solved marks and hints are unknown)."""
        try:
            names = sorted(os.listdir(str(self.root)))
        except OSError:
            names = []
        return {match.group(2): Entry.new(name) for name, match in ((n, KATA_FILE.match(n)) for n in names) if match}

    def entry(self, card: catalogue.Card) -> Entry | None:
        """The progress entry of a card, or None when it was never started."""
        return self.progress.katas.get(card.id)

    def state(self, card: catalogue.Card) -> State:
        entry = self.entry(card)
        return State.NOT_STARTED if entry is None else entry.state

    def ever_solved(self, card: catalogue.Card) -> bool:
        """Whether the kata was green once (a reset makes it in progress again, not unsolved)."""
        entry = self.entry(card)
        return bool(entry and entry.ever_solved)

    def started_ids(self) -> list[str]:
        """Ids of every started kata (solved ones included), in the order they were started."""
        katas = self.progress.katas
        return sorted(katas, key=lambda kata_id: katas[kata_id].started_at or "")

    def current_id(self) -> str | None:
        """The kata `kata check` means without an id: the current one if unsolved, else the
        most recently started unsolved one, else None."""
        katas = self.progress.katas
        current = self.progress.current
        if current in katas and katas[current].state is not State.SOLVED:
            return current
        unsolved = [i for i in self.started_ids() if katas[i].state is not State.SOLVED]
        return unsolved[-1] if unsolved else None

    # changing -----------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the workspace's lock (flock on .progress.lock) while the progress is read,
        changed and written. Re-entrant within this object; without a lock where the file
        cannot be opened or locked (a read-only workspace, no fcntl), since nothing can be
        written there either."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        handle = None
        for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
            try:
                handle = os.open(str(self.lock_path), flags, 0o644)
                break
            except OSError:
                continue
        if handle is not None and fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
            except OSError:
                pass  # a filesystem without locks: carry on unlocked
        self._lock_depth = 1
        try:
            yield
        finally:
            self._lock_depth = 0
            if handle is not None:
                os.close(handle)  # releases the lock

    def _change(self, change: Callable[[Progress], T], what: str = "this change to your progress") -> T:
        """Apply change(progress) to the progress as the file holds it now, under the lock, and
        write the result atomically when it differs; return what change returned.

        Never raises for the disk: when the file cannot be used or written, the change is kept
        in memory for this command and a sentence for the learner says what was not saved.
        """
        self.saved = False
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # the lock and the write below fail too, and say so
        with self.locked():
            progress, raw = self._current()
            outcome = change(progress)
            data = progress_bytes(progress)
            if self._in_memory:
                pass  # said already: nothing is saved
            elif data == raw:
                self.saved = True
            else:
                try:
                    files.write_atomically(self.progress_path, data, prefix=".progress-")
                    self.saved = True
                except OSError as exc:
                    self._note("could not be written (%s): %s is not saved; free some disk space or make the "
                               "workspace writable, then run the command again" % (files.describe(exc), what))
        self._progress = progress
        return outcome

    def _current(self) -> tuple[Progress, bytes | None]:
        """The progress to change, read from disk now: (progress, the bytes on disk or None)."""
        if self._in_memory and self._progress is not None:
            return self._progress, None
        progress, problems, trouble, raw = self._read()
        if problems:
            listed = ", ".join(problems[:SHOWN_PROBLEMS])
            if len(problems) > SHOWN_PROBLEMS:
                listed += " and %d more" % (len(problems) - SHOWN_PROBLEMS)
            self._note("had values this version cannot use: %s; the rest was kept" % listed)
        if trouble is None:
            return progress, raw
        kind, why = trouble
        if kind == "folder":
            self._in_memory = True
            self._note("is a folder, not a file: your progress is rebuilt from the kata files present for this "
                       "command only, and nothing is saved; move that folder out of the way to keep your progress")
            return progress, None
        aside = self.progress_path.with_name("%s.broken-%s" % (PROGRESS_FILE, files.stamp()))
        number = 2
        while aside.exists():  # broken twice within a second: keep both
            aside = self.progress_path.with_name("%s.broken-%s-%d" % (PROGRESS_FILE, files.stamp(), number))
            number += 1
        try:
            os.replace(str(self.progress_path), str(aside))
        except OSError as exc:
            self._in_memory = True
            self._note("could not be read (%s) and could not be moved aside (%s): your progress is rebuilt from "
                       "the kata files present for this command only, and nothing is saved; move the file away "
                       "to start a fresh one" % (why, files.describe(exc)))
            return progress, None
        self._note("could not be read (%s); it is kept as %s and the progress was rebuilt from the kata files "
                   "present (solved marks and hint counts start over)" % (why, self.display(aside)))
        return progress, None

    def restore_progress(self, kept: bytes | None) -> bool:
        """Put kept (progress.json's bytes from before) back when the file is now gone, empty or
        unreadable and kept is not; return whether it was put back. OSError when it cannot be."""
        if kept is None or not readable(kept):
            return False
        with self.locked():
            try:
                now_there = self.progress_path.read_bytes()
            except FileNotFoundError:
                now_there = None
            except OSError:
                now_there = b""
            if now_there is not None and readable(now_there):
                return False
            self.root.mkdir(parents=True, exist_ok=True)
            files.write_atomically(self.progress_path, kept, prefix=".progress-")
        self.refresh()
        return True

    # actions ------------------------------------------------------------------------
    def start(self, card: catalogue.Card) -> tuple[pathlib.Path, bool]:
        """Write the kata file unless it exists; return (path, created). Marks it current.

        A WorkspaceError when the file cannot be written; the progress is then left alone.
        """
        path = self.kata_path(card)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            created = files.write_new(path, render_kata(card))
        except OSError as exc:
            raise WorkspaceError("could not write %s (%s): free some disk space or make the workspace writable, "
                                 "then run `kata start %s` again" % (self.display(path), files.describe(exc), card.id))

        def change(progress: Progress) -> None:
            if card.id not in progress.katas:
                progress.katas[card.id] = Entry.new(path.name)
            progress.current = card.id

        self._change(change)
        return path, created

    def reset(self, card: catalogue.Card) -> pathlib.Path | None:
        """Put the pristine kata back; return the backup of the previous file, or None.

        No backup is made when the file was missing or already pristine (as Python reads it: a
        copy saved with a byte-order mark or CRLF line endings is pristine, and left as it is).
        The pristine file is written beside the old one first, so a failure at any step leaves
        the learner's file where it was or in backups/ (a WorkspaceError says which). The kata
        is in progress again; when it was solved before, solved_at keeps the first green.
        """
        path = self.kata_path(card)
        pristine = render_kata(card)
        backup = None
        with self.locked():
            try:
                before = files.read_or_none(path)
            except OSError as exc:
                raise WorkspaceError("could not read %s (%s), so it was left as it is" % (
                    self.display(path), files.describe(exc)))
            if before is None or not files.same_source(before, pristine):
                backup = self._replace_with_pristine(card, path, pristine, before is not None)

            def change(progress: Progress) -> None:
                entry = progress.katas.setdefault(card.id, Entry.new(path.name))
                entry.state = State.STARTED
                entry.started_at = now()
                progress.current = card.id

            self._change(change)
        return backup

    def _replace_with_pristine(self, card: catalogue.Card, path: pathlib.Path, pristine: str,
                               keep_old: bool) -> pathlib.Path | None:
        """Write the pristine file beside path, move the old one to backups/, put the new one in place."""
        temporary = backup = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            temporary = files.write_temporary(self.root, pristine.encode("utf-8"), prefix=".%s-" % path.stem)
            if keep_old:
                self.backups.mkdir(parents=True, exist_ok=True)
                backup = files.free_backup_path(self.backups, path)
                os.replace(str(path), str(backup))
            os.replace(temporary, str(path))
            temporary = None
        except OSError as exc:
            where = ("your file is kept as %s" % self.display(backup) if backup is not None and backup.exists()
                     else "your file was left as it is")
            raise WorkspaceError("could not reset %s (%s): %s; free some disk space or make the workspace "
                                 "writable, then run `kata reset %s` again" % (
                                     self.display(path), files.describe(exc), where, card.id))
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
        return backup

    def record_check(self, card: catalogue.Card, verdict: str, may_solve: bool = True) -> bool:
        """Count a check and keep its verdict; on green, when may_solve, mark the kata solved.

        Returns whether this check solved it. A later red never unsolves it, and nothing but
        the count, the verdict and its time (and the solved mark) is changed.
        """
        def change(progress: Progress) -> bool:
            entry = progress.katas.setdefault(card.id, Entry.new(kata_filename(card)))
            entry.checks += 1
            entry.last_verdict = verdict
            entry.last_checked_at = now()
            if verdict == "green" and may_solve and entry.state is not State.SOLVED:
                entry.state = State.SOLVED
                entry.solved_at = entry.solved_at or entry.last_checked_at
                return True
            return False

        return self._change(change, "this check")

    def reveal_hint(self, card: catalogue.Card) -> tuple[int, bool]:
        """Reveal one more hint (up to all of them); return (revealed count, whether it grew)."""
        def change(progress: Progress) -> tuple[int, bool]:
            entry = progress.katas.setdefault(card.id, Entry.new(kata_filename(card)))
            revealed = min(entry.hints_revealed, len(card.hints))
            if revealed < len(card.hints):
                entry.hints_revealed = max(entry.hints_revealed, revealed + 1)
                return revealed + 1, True
            return revealed, False

        return self._change(change, "the hint count")

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
that code runs (katas.guard), or printing.
"""
from __future__ import annotations

import ast
import contextlib
import dataclasses
import datetime
import enum
import io
import json
import os
import pathlib
import re
import tempfile
import tokenize

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock between terminals
    fcntl = None

from katas import catalogue, paths

DEFAULT_DIR = "workspace"
WORKSPACE_ENV = "KATA_WORKSPACE"
CARDS_ENV = "KATA_CARDS"
PROGRESS_FILE = "progress.json"
LOCK_FILE = ".progress.lock"
BACKUPS_DIR = "backups"
PROGRESS_VERSION = 1
KATA_FILE = re.compile(r"^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)\.py$")
VERDICTS = ("green", "red", "error")
SHOWN_PROBLEMS = 4  # repaired fields named in a warning; the others are counted


class State(str, enum.Enum):
    """A kata's state. The value is the word stored in progress.json; .display is what a learner reads."""

    NOT_STARTED = "not started"  # no entry in progress.json; never stored
    STARTED = "started"
    SOLVED = "solved"

    def __str__(self):
        return self.value

    @property
    def display(self):
        return DISPLAY_WORDS[self]


DISPLAY_WORDS = {State.NOT_STARTED: "not started", State.STARTED: "in progress", State.SOLVED: "solved"}
STORED_STATES = (State.STARTED, State.SOLVED)


class WorkspaceError(Exception):
    """A kata file that could not be written or moved; the message names it, says why and what to do."""


def resolve(option=None):
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


def is_workspace(folder):
    """Whether folder holds a progress file written by this tool."""
    path = pathlib.Path(folder) / PROGRESS_FILE
    if not path.is_file():
        return False
    try:
        data = parse_progress(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data.get("katas"), dict) and "format_version" in data


def cards_dir():
    """The card folder: $KATA_CARDS (an instructor's catalogue in progress), else the installed one."""
    chosen = os.environ.get(CARDS_ENV)
    return pathlib.Path(chosen).expanduser().resolve() if chosen else catalogue.CARDS_DIR


def now():
    """The current UTC time as an ISO 8601 string, to the microsecond (it orders events)."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")


def kata_filename(card):
    """NN-id.py: the curriculum number keeps the files in order in any file browser."""
    return "%02d-%s.py" % (card.order, card.id)


# -- the kata file ----------------------------------------------------------------------

def header(card):
    """The learner file's docstring: title, story and how to check. Nothing about the bug."""
    if card.equivalent:
        intro = ["This is the whole network module, with one change in it that may or may not be a bug.",
                 "Run the check before you change anything:"]
    else:
        intro = ["This is the whole network module, with one bug somewhere in it. Make the gradients right:"]
    lines = [
        "Kata %02d, %s: %s" % (card.order, card.id, card.title),
        "",
        card.story,
        "",
    ] + intro + [
        "  kata check %s   runs the gradient checker and the diagnoser on `loss` (green when ok)" % card.id,
        "  kata watch %s   re-checks on every save" % card.id,
        "  kata hint %s    reveals one hint at a time" % card.id,
        "Shapes use fixed letters: N batch, D input, H hidden, C classes.",
    ]
    text = "\n".join(lines).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return '"""%s\n"""\n' % text


def module_body(source, network):
    """source without the reference module's docstring (the lines the header replaces), and
    with the project's functions it imports written out in full (see standalone).

    The docstring's extent is read from the reference itself, so this works for a variant
    that does not even parse; a variant that edits the docstring keeps it whole.
    """
    reference_lines = catalogue.reference_source(network).splitlines(True)
    end = docstring_end(reference_lines)
    lines = source.splitlines(True)
    if end and lines[:end] == reference_lines[:end]:
        lines = lines[end:]
    return standalone("".join(lines))


PROJECT_IMPORT = re.compile(r"^from reference\.(\w+) import ([\w, ]+)\n", re.MULTILINE)


def standalone(source):
    """source with each `from reference.M import f, g` replaced by the text of f and g.

    A kata file is the learner's own network and may not import the project's packages (the
    checker refuses it), so a network built on another one's functions (the deep network on
    the two-layer network's layers) gets their definitions copied in, in their own order.
    """
    def definitions(match):
        module, names = match.group(1), {n.strip() for n in match.group(2).split(",")}
        text = catalogue.reference_source(module)
        tree = ast.parse(text)
        lines = text.splitlines(True)
        parts = ["".join(lines[node.lineno - 1:node.end_lineno]) for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name in names]
        return "\n" + "\n\n".join(parts) + "\n"

    return PROJECT_IMPORT.sub(definitions, source)


def docstring_end(lines):
    """The number of leading lines that hold the module docstring (0 if there is none)."""
    if not lines or not lines[0].lstrip().startswith(('"""', "'''")):
        return 0
    quote = lines[0].lstrip()[:3]
    if lines[0].count(quote) >= 2:
        return 1
    for number, line in enumerate(lines[1:], start=2):
        if quote in line:
            return number
    return 0


def render_kata(card):
    """The learner's pristine file: header, then the card's variant of the reference."""
    return header(card) + module_body(catalogue.apply_edits(card), card.network)


def render_solution(card):
    """The same file with the reference's code: what a fixed kata looks like."""
    return header(card) + module_body(catalogue.reference_source(card.network), card.network)


# -- the progress file: one typed entry per kata, one reader, one writer ----------------

def _text_or_none(value):
    return value is None or isinstance(value, str)


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# Each field of an entry and what a usable value is; a field that fails takes its default.
ENTRY_FIELDS = {
    "file": _text_or_none,
    "state": lambda value: value in [state.value for state in STORED_STATES],
    "started_at": _text_or_none,
    "solved_at": _text_or_none,
    "hints_revealed": _count,
    "checks": _count,
    "last_verdict": lambda value: value is None or value in VERDICTS,
    "last_checked_at": _text_or_none,
}


@dataclasses.dataclass
class Entry:
    """One kata's progress: its object in progress.json.

    - file: the kata file's name, NN-id.py (None when unknown).
    - state: State.STARTED or State.SOLVED; a reset makes a solved kata STARTED again.
    - started_at, solved_at, last_checked_at: ISO 8601 UTC times, or None. solved_at is the
      first green and outlives a reset (the solution stays unlocked).
    - hints_revealed, checks: counts, never negative.
    - last_verdict: "green", "red", "error", or None before the first check.
    - other: fields this version does not know, written back as they were.
    """

    file: str | None = None
    state: State = State.STARTED
    started_at: str | None = None
    solved_at: str | None = None
    hints_revealed: int = 0
    checks: int = 0
    last_verdict: str | None = None
    last_checked_at: str | None = None
    other: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def new(cls, filename):
        """A kata started now."""
        return cls(file=filename, started_at=now())

    @property
    def ever_solved(self):
        """Whether the kata was green once (a reset makes it in progress again, not unsolved)."""
        return self.state is State.SOLVED or self.solved_at is not None

    def to_json(self):
        data = dict(self.other)
        data.update({name: getattr(self, name) for name in ENTRY_FIELDS})
        data["state"] = self.state.value
        return data


def read_entry(kata_id, raw):
    """The Entry of one kata's object in progress.json: (entry, problems).

    Each field is checked on its own: one with a wrong type or value takes its default and is
    named in problems (e.g. 'katas.ID.checks was "x" (now 0)'), the others are kept. A missing
    field takes its default silently (older files), and an entry that is not an object is a
    fresh one.
    """
    where = "katas.%s" % kata_id
    if not isinstance(raw, dict):
        return Entry(), ["%s was %s, not an object (now a fresh entry)" % (where, shown(raw))]
    values, problems, defaults = {}, [], Entry()
    for name, usable in ENTRY_FIELDS.items():
        if name not in raw:
            continue
        if usable(raw[name]):
            values[name] = raw[name]
        else:
            problems.append("%s.%s was %s (now %s)" % (where, name, shown(raw[name]),
                                                       shown(getattr(defaults, name))))
    if "state" in values:
        values["state"] = State(values["state"])
    other = {key: value for key, value in raw.items() if key not in ENTRY_FIELDS}
    return Entry(other=other, **values), problems


@dataclasses.dataclass
class Progress:
    """The whole of progress.json: the current kata and one Entry per started kata, by kata id."""

    katas: dict = dataclasses.field(default_factory=dict)
    current: str | None = None
    other: dict = dataclasses.field(default_factory=dict)

    def to_json(self):
        data = dict(self.other)
        data.update(format_version=PROGRESS_VERSION, current=self.current,
                    katas={kata_id: entry.to_json() for kata_id, entry in self.katas.items()})
        return data


def read_progress(data):
    """The Progress of progress.json's top-level object: (progress, problems, whether the table
    of katas must be rebuilt from the kata files present, because it is missing or not a table)."""
    problems = []
    katas = data.get("katas")
    rebuild = not isinstance(katas, dict)
    if rebuild:
        problems.append("katas was %s, not a table (now rebuilt from the kata files present)" % shown(katas)
                        if "katas" in data else "katas was missing (now rebuilt from the kata files present)")
        katas = {}
    current = data.get("current")
    if not _text_or_none(current):
        problems.append("current was %s (now null)" % shown(current))
        current = None
    progress = Progress(current=current, other={key: value for key, value in data.items()
                                                if key not in ("format_version", "current", "katas")})
    for kata_id, raw in katas.items():
        progress.katas[kata_id], entry_problems = read_entry(kata_id, raw)
        problems += entry_problems
    return progress, problems, rebuild


def progress_bytes(progress):
    """The one way progress is written: sorted, indented JSON, UTF-8, ending in a newline."""
    return (json.dumps(progress.to_json(), indent=2, sort_keys=True) + "\n").encode("utf-8")


def shown(value, width=40):
    """A JSON value as a warning quotes it, cut short."""
    text = json.dumps(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def parse_progress(raw):
    """progress.json's bytes as a JSON object, or a ValueError that says why they are not one."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError("it is not UTF-8 text (byte %d)" % exc.start)
    except RecursionError:
        raise ValueError("it is nested too deeply to be progress")
    except ValueError as exc:
        raise ValueError("it is not JSON: %s" % exc)
    if not isinstance(data, dict):
        raise ValueError('it is not an object with a "katas" table')
    return data


class Workspace(object):
    """One workspace folder: kata files, progress.json and backups/.

    Reads of the progress (entry, state, current_id...) use the copy this object read first;
    every change (start, reset, record_check, reveal_hint) re-reads the file under the lock,
    changes its own fields, writes it back, and keeps what it wrote as the new copy.
    """

    def __init__(self, root):
        self.root = pathlib.Path(os.path.abspath(str(root)))
        self.progress_path = self.root / PROGRESS_FILE
        self.lock_path = self.root / LOCK_FILE
        self.backups = self.root / BACKUPS_DIR
        self.warnings = []  # sentences for the learner about anything but the progress file
        self.saved = True  # whether the last change to the progress reached the disk
        self._notes = []  # what went wrong with progress.json, said as one sentence
        self._progress = None
        self._in_memory = False  # progress.json cannot be used at all: never written by this object
        self._lock_depth = 0

    def kata_path(self, card):
        return self.root / kata_filename(card)

    def display(self, path):
        """path relative to the current directory when it is below it, else absolute."""
        return paths.display(path)

    def take_warnings(self):
        """The sentences to show the learner since the last call (the progress file's as one)."""
        lines = list(self.warnings)
        if self._notes:
            lines.append("%s %s" % (self.display(self.progress_path), "; ".join(self._notes)))
        self.warnings, self._notes = [], []
        return lines

    def _note(self, text):
        if text not in self._notes:
            self._notes.append(text)

    # reading ------------------------------------------------------------------------
    @property
    def progress(self):
        if self._progress is None:
            self._progress = self._load()
        return self._progress

    def refresh(self):
        """Forget the copy read so far: the next look at the progress reads the file again."""
        if not self._in_memory:
            self._progress = None

    def _load(self):
        progress, problems, trouble, _ = self._read()
        if trouble is None and not problems:
            return progress
        self._change(lambda progress: None, "the repaired progress")  # repairs under the lock, as any change
        return self._progress

    def _read(self):
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
            return Progress(self._entries_from_files()), [], ("unreadable", describe(exc)), None
        try:
            data = parse_progress(raw)
        except ValueError as exc:
            return Progress(self._entries_from_files()), [], ("unreadable", str(exc)), raw
        progress, problems, rebuild = read_progress(data)
        if rebuild:
            progress.katas = self._entries_from_files()
        return progress, problems, None, raw

    def _entries_from_files(self):
        """A fresh entry for each kata file in the folder (their solved marks and hints are unknown)."""
        try:
            names = sorted(os.listdir(str(self.root)))
        except OSError:
            names = []
        return {match.group(2): Entry.new(name) for name, match in ((n, KATA_FILE.match(n)) for n in names) if match}

    def entry(self, card):
        """The progress entry of a card, or None when it was never started."""
        return self.progress.katas.get(card.id)

    def state(self, card):
        entry = self.entry(card)
        return State.NOT_STARTED if entry is None else entry.state

    def ever_solved(self, card):
        """Whether the kata was green once (a reset makes it in progress again, not unsolved)."""
        entry = self.entry(card)
        return bool(entry and entry.ever_solved)

    def started_ids(self):
        """Ids of every started kata (solved ones included), in the order they were started."""
        katas = self.progress.katas
        return sorted(katas, key=lambda kata_id: katas[kata_id].started_at or "")

    def current_id(self):
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
    def locked(self):
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

    def _change(self, change, what="this change to your progress"):
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
                    write_atomically(self.progress_path, data, prefix=".progress-")
                    self.saved = True
                except OSError as exc:
                    self._note("could not be written (%s): %s is not saved; free some disk space or make the "
                               "workspace writable, then run the command again" % (describe(exc), what))
        self._progress = progress
        return outcome

    def _current(self):
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
        aside = self.progress_path.with_name("%s.broken-%s" % (PROGRESS_FILE, stamp()))
        number = 2
        while aside.exists():  # broken twice within a second: keep both
            aside = self.progress_path.with_name("%s.broken-%s-%d" % (PROGRESS_FILE, stamp(), number))
            number += 1
        try:
            os.replace(str(self.progress_path), str(aside))
        except OSError as exc:
            self._in_memory = True
            self._note("could not be read (%s) and could not be moved aside (%s): your progress is rebuilt from "
                       "the kata files present for this command only, and nothing is saved; move the file away "
                       "to start a fresh one" % (why, describe(exc)))
            return progress, None
        self._note("could not be read (%s); it is kept as %s and the progress was rebuilt from the kata files "
                   "present (solved marks and hint counts start over)" % (why, self.display(aside)))
        return progress, None

    def restore_progress(self, kept):
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
            write_atomically(self.progress_path, kept, prefix=".progress-")
        self.refresh()
        return True

    # actions ------------------------------------------------------------------------
    def start(self, card):
        """Write the kata file unless it exists; return (path, created). Marks it current.

        A WorkspaceError when the file cannot be written; the progress is then left alone.
        """
        path = self.kata_path(card)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            created = write_new(path, render_kata(card))
        except OSError as exc:
            raise WorkspaceError("could not write %s (%s): free some disk space or make the workspace writable, "
                                 "then run `kata start %s` again" % (self.display(path), describe(exc), card.id))

        def change(progress):
            if card.id not in progress.katas:
                progress.katas[card.id] = Entry.new(path.name)
            progress.current = card.id

        self._change(change)
        return path, created

    def reset(self, card):
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
                before = read_or_none(path)
            except OSError as exc:
                raise WorkspaceError("could not read %s (%s), so it was left as it is" % (
                    self.display(path), describe(exc)))
            if before is None or not same_source(before, pristine):
                backup = self._replace_with_pristine(card, path, pristine, before is not None)

            def change(progress):
                entry = progress.katas.setdefault(card.id, Entry.new(path.name))
                entry.state = State.STARTED
                entry.started_at = now()
                progress.current = card.id

            self._change(change)
        return backup

    def _replace_with_pristine(self, card, path, pristine, keep_old):
        """Write the pristine file beside path, move the old one to backups/, put the new one in place."""
        temporary = backup = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            temporary = write_temporary(self.root, pristine.encode("utf-8"), prefix=".%s-" % path.stem)
            if keep_old:
                self.backups.mkdir(parents=True, exist_ok=True)
                backup = free_backup_path(self.backups, path)
                os.replace(str(path), str(backup))
            os.replace(temporary, str(path))
            temporary = None
        except OSError as exc:
            where = ("your file is kept as %s" % self.display(backup) if backup is not None and backup.exists()
                     else "your file was left as it is")
            raise WorkspaceError("could not reset %s (%s): %s; free some disk space or make the workspace "
                                 "writable, then run `kata reset %s` again" % (
                                     self.display(path), describe(exc), where, card.id))
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
        return backup

    def record_check(self, card, verdict, may_solve=True):
        """Count a check and keep its verdict; on green, when may_solve, mark the kata solved.

        Returns whether this check solved it. A later red never unsolves it, and nothing but
        the count, the verdict and its time (and the solved mark) is changed.
        """
        def change(progress):
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

    def reveal_hint(self, card):
        """Reveal one more hint (up to all of them); return (revealed count, whether it grew)."""
        def change(progress):
            entry = progress.katas.setdefault(card.id, Entry.new(kata_filename(card)))
            revealed = min(entry.hints_revealed, len(card.hints))
            if revealed < len(card.hints):
                entry.hints_revealed = max(entry.hints_revealed, revealed + 1)
                return revealed + 1, True
            return revealed, False

        return self._change(change, "the hint count")


# -- files ------------------------------------------------------------------------------

def stamp():
    """A file-name-safe UTC timestamp, e.g. 20240131T235959Z."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def describe(exc):
    """An OSError in words: 'No space left on device'."""
    if exc.strerror:
        return exc.strerror
    if exc.errno:
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__


def readable(raw):
    """Whether bytes are a progress file this tool can read (a JSON object)."""
    try:
        parse_progress(raw)
    except ValueError:
        return False
    return True


def read_or_none(path):
    """The bytes of path, or None when there is no such file."""
    try:
        with open(str(path), "rb") as stream:
            return stream.read()
    except FileNotFoundError:
        return None


def python_text(data):
    """Source bytes decoded as Python decodes a module: a byte-order mark or a coding line, and
    any line endings (CRLF, CR) read as newlines. None when Python could not decode them."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def same_source(data, text):
    """Whether source bytes hold text, as Python reads them."""
    return python_text(data) == text


def blank(data):
    """Whether source bytes hold nothing: no bytes, or only a byte-order mark and whitespace."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return not data.strip()


def default_mode():
    """The permissions a new file gets here (0o666 without the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_all(handle, data):
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]


def write_temporary(folder, data, prefix=".kata-", mode=None):
    """A new temporary file in folder holding data, flushed to disk; return its path."""
    handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=str(folder))
    try:
        write_all(handle, data)
        if hasattr(os, "fchmod"):  # mkstemp makes it private; a kata file gets the usual permissions
            os.fchmod(handle, default_mode() if mode is None else mode)
        os.fsync(handle)
    except BaseException:
        os.close(handle)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    os.close(handle)
    return temporary


def write_atomically(path, data, prefix=".kata-", mode=None):
    """Replace path with data (a temporary file beside it, fsync, os.replace): a reader sees the
    old bytes or the new ones, never a part, and a failure leaves the old file whole."""
    path = pathlib.Path(path)
    temporary = write_temporary(path.parent, data, prefix=prefix, mode=mode)
    try:
        os.replace(temporary, str(path))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def free_backup_path(backups, path):
    """backups/NN-id.<timestamp>.py, with -2, -3... when that name is taken."""
    base = "%s.%s" % (path.stem, stamp())
    candidate = backups / (base + path.suffix)
    number = 2
    while candidate.exists():
        candidate = backups / ("%s-%d%s" % (base, number, path.suffix))
        number += 1
    return candidate


def write_new(path, text):
    """Create path with text; return False (and write nothing) if it already exists.

    OSError when it cannot be written; a file left half-written by that is removed again.
    """
    try:
        handle = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False
    try:
        write_all(handle, text.encode("utf-8"))
    except BaseException:
        os.close(handle)
        with contextlib.suppress(OSError):
            os.unlink(str(path))
        raise
    os.close(handle)
    return True

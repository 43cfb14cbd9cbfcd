"""The learner's workspace: kata files, the progress file, backups.

What it is for: where a learner's work lives and what state it is in. The workspace is a
plain folder (./workspace by default, or the workspace the current directory is in;
--workspace DIR or $KATA_WORKSPACE to put it elsewhere) holding
one file per started kata, NN-id.py (the whole network module with the card's bug in it,
under a header with the card's title and story), progress.json (per kata: state, hints
revealed, checks, timestamps) and backups/ (what `kata reset` moved aside).
Writing never destroys work: a kata file is only created where none exists, a reset first
moves the old file into backups/, and progress.json is replaced atomically (temporary file,
then os.replace), so an interrupted write leaves the previous state intact.
What it is not for: running the learner's code (katas.sandbox does that) or printing.
"""
from __future__ import annotations

import ast
import datetime
import json
import os
import pathlib
import re
import tempfile

from katas import catalogue

DEFAULT_DIR = "workspace"
WORKSPACE_ENV = "KATA_WORKSPACE"
CARDS_ENV = "KATA_CARDS"
PROGRESS_FILE = "progress.json"
BACKUPS_DIR = "backups"
PROGRESS_VERSION = 1
KATA_FILE = re.compile(r"^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)\.py$")
NOT_STARTED, STARTED, SOLVED = "not started", "in progress", "solved"


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
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and isinstance(data.get("katas"), dict) and "format_version" in data


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


# -- the progress file ------------------------------------------------------------------

class Workspace(object):
    """One workspace folder: kata files, progress.json and backups/."""

    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.progress_path = self.root / PROGRESS_FILE
        self.backups = self.root / BACKUPS_DIR
        self.warnings = []  # sentences for the learner, e.g. about a repaired progress file
        self._progress = None

    def kata_path(self, card):
        return self.root / kata_filename(card)

    def display(self, path):
        """path relative to the current directory when it is below it, else absolute."""
        path = pathlib.Path(path)
        try:
            return str(path.relative_to(pathlib.Path.cwd()))
        except ValueError:
            return str(path)

    # progress state -----------------------------------------------------------------
    @property
    def progress(self):
        if self._progress is None:
            self._progress = self._load()
        return self._progress

    def _load(self):
        empty = {"format_version": PROGRESS_VERSION, "current": None, "katas": {}}
        if not self.progress_path.exists():
            return empty
        try:
            data = json.loads(self.progress_path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("katas"), dict):
                raise ValueError("it is not an object with a \"katas\" table")
            for entry in data["katas"].values():
                if not isinstance(entry, dict):
                    raise ValueError("a kata's entry is not an object")
        except (ValueError, UnicodeDecodeError) as exc:
            return self._repair(empty, exc)
        data.setdefault("current", None)
        return data

    def _repair(self, empty, exc):
        """Keep the unreadable file aside and rebuild the state from the kata files present."""
        aside = self.progress_path.with_name("%s.broken-%s" % (PROGRESS_FILE, stamp()))
        os.replace(self.progress_path, aside)
        for path in sorted(self.root.glob("*.py")):
            match = KATA_FILE.match(path.name)
            if match:
                empty["katas"][match.group(2)] = new_entry(path.name)
        self.warnings.append(
            "%s could not be read (%s); it is kept as %s and the progress was rebuilt from the kata files "
            "present (solved marks and hint counts start over)" % (self.display(self.progress_path), exc,
                                                                  self.display(aside)))
        self._save(empty)
        return empty

    def _save(self, data):
        self.root.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, indent=2, sort_keys=True) + "\n"
        handle, temporary = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=str(self.root))
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.progress_path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def save(self):
        self._save(self.progress)

    def entry(self, card):
        """The progress entry of a card, or None when it was never started."""
        return self.progress["katas"].get(card.id)

    def state(self, card):
        entry = self.entry(card)
        if entry is None:
            return NOT_STARTED
        return SOLVED if entry.get("state") == "solved" else STARTED

    def ever_solved(self, card):
        """Whether the kata was green once (a reset makes it in progress again, not unsolved)."""
        entry = self.entry(card)
        return bool(entry and (entry.get("state") == "solved" or entry.get("solved_at")))

    def started_ids(self):
        """Ids of every started kata (solved ones included), in the order they were started."""
        katas = self.progress["katas"]
        return sorted(katas, key=lambda i: str(katas[i].get("started_at", "")))

    def current_id(self):
        """The kata `kata check` means without an id: the current one if unsolved, else the
        most recently started unsolved one, else None."""
        katas = self.progress["katas"]
        current = self.progress.get("current")
        if current in katas and katas[current].get("state") != "solved":
            return current
        unsolved = [i for i in self.started_ids() if katas[i].get("state") != "solved"]
        return unsolved[-1] if unsolved else None

    # actions ------------------------------------------------------------------------
    def start(self, card):
        """Write the kata file unless it exists; return (path, created). Marks it current."""
        path = self.kata_path(card)
        self.root.mkdir(parents=True, exist_ok=True)
        created = write_new(path, render_kata(card))
        katas = self.progress["katas"]
        if card.id not in katas:
            katas[card.id] = new_entry(path.name)
        self.progress["current"] = card.id
        self.save()
        return path, created

    def reset(self, card):
        """Put the pristine kata back; return the backup of the previous file, or None.

        No backup is made when the file was missing or already pristine. The kata is in
        progress again; when it was solved before, solved_at keeps the date of the first green.
        """
        path = self.kata_path(card)
        pristine = render_kata(card)
        backup = None
        if path.exists() and path.read_bytes() != pristine.encode("utf-8"):
            self.backups.mkdir(parents=True, exist_ok=True)
            backup = free_backup_path(self.backups, path)
            os.replace(path, backup)
        if not path.exists() or backup is not None:
            self.root.mkdir(parents=True, exist_ok=True)
            write_new(path, pristine)
        entry = self.progress["katas"].setdefault(card.id, new_entry(path.name))
        entry["state"] = "started"
        entry["started_at"] = now()
        self.progress["current"] = card.id
        self.save()
        return backup

    def record_check(self, card, verdict):
        """Count a check; on green mark the kata solved (a later red does not unsolve it)."""
        entry = self.progress["katas"].setdefault(card.id, new_entry(kata_filename(card)))
        entry["checks"] = entry.get("checks", 0) + 1
        entry["last_verdict"] = verdict
        entry["last_checked_at"] = now()
        newly_solved = verdict == "green" and entry.get("state") != "solved"
        if newly_solved:
            entry["state"] = "solved"
            entry["solved_at"] = entry.get("solved_at") or entry["last_checked_at"]
        self.save()
        return newly_solved

    def reveal_hint(self, card):
        """Reveal one more hint (up to all of them); return (revealed count, whether it grew)."""
        entry = self.progress["katas"].setdefault(card.id, new_entry(kata_filename(card)))
        revealed = min(entry.get("hints_revealed", 0), len(card.hints))
        grew = revealed < len(card.hints)
        if grew:
            revealed += 1
            entry["hints_revealed"] = revealed
            self.save()
        return revealed, grew


def new_entry(filename):
    return {"file": filename, "state": "started", "started_at": now(), "solved_at": None,
            "hints_revealed": 0, "checks": 0, "last_verdict": None, "last_checked_at": None}


def stamp():
    """A file-name-safe UTC timestamp, e.g. 20240131T235959Z."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


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
    """Create path with text; return False (and write nothing) if it already exists."""
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        return False
    return True

"""The progress file's records: one typed entry per kata, one reader that repairs, one writer.

What it is for: what progress.json holds and how it is read and written. A kata's State is a
word stored in the file ("started", "solved") with the word a learner reads ("in progress");
an Entry has every field typed, and read_entry checks each field on its own: one with a
wrong type or value takes its default, is named in the problems, and the rest of the entry
is kept. progress_bytes is the only writer.
What it is not for: where the file is, the lock, or when it is written (katas.learner.workspace).
"""
from __future__ import annotations

import dataclasses
import datetime
import enum
import json
from collections.abc import Callable
from typing import Any

PROGRESS_VERSION = 1
VERDICTS = ("green", "red", "error")
SHOWN_PROBLEMS = 4  # repaired fields named in a warning; the others are counted


class State(str, enum.Enum):
    """A kata's state. The value is the word stored in progress.json; .display is what a learner reads."""

    NOT_STARTED = "not started"  # no entry in progress.json; never stored
    STARTED = "started"
    SOLVED = "solved"

    def __str__(self) -> str:
        return self.value

    @property
    def display(self) -> str:
        return DISPLAY_WORDS[self]


DISPLAY_WORDS = {State.NOT_STARTED: "not started", State.STARTED: "in progress", State.SOLVED: "solved"}
STORED_STATES = (State.STARTED, State.SOLVED)


def _text_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# Each field of an entry and what a usable value is; a field that fails takes its default.
ENTRY_FIELDS: dict[str, Callable[[Any], bool]] = {
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
    other: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def new(cls, filename: str) -> Entry:
        """A kata started now."""
        return cls(file=filename, started_at=now())

    @property
    def ever_solved(self) -> bool:
        """Whether the kata was green once (a reset makes it in progress again, not unsolved)."""
        return self.state is State.SOLVED or self.solved_at is not None

    def to_json(self) -> dict[str, Any]:
        data = dict(self.other)
        data.update({name: getattr(self, name) for name in ENTRY_FIELDS})
        data["state"] = self.state.value
        return data


def read_entry(kata_id: str, raw: object) -> tuple[Entry, list[str]]:
    """The Entry of one kata's object in progress.json: (entry, problems).

    Each field is checked on its own: one with a wrong type or value takes its default and is
    named in problems (e.g. 'katas.ID.checks was "x" (now 0)'), the others are kept. A missing
    field takes its default silently (older files), and an entry that is not an object is a
    fresh one.
    """
    where = "katas.%s" % kata_id
    if not isinstance(raw, dict):
        return Entry(), ["%s was %s, not an object (now a fresh entry)" % (where, shown(raw))]
    values: dict[str, Any] = {}
    problems: list[str] = []
    defaults = Entry()
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

    katas: dict[str, Entry] = dataclasses.field(default_factory=dict)
    current: str | None = None
    other: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = dict(self.other)
        data.update(format_version=PROGRESS_VERSION, current=self.current,
                    katas={kata_id: entry.to_json() for kata_id, entry in self.katas.items()})
        return data


def read_progress(data: dict[str, Any]) -> tuple[Progress, list[str], bool]:
    """The Progress of progress.json's top-level object: (progress, problems, whether the table
    of katas must be rebuilt from the kata files present, because it is missing or not a table)."""
    problems: list[str] = []
    katas = data.get("katas")
    rebuild = not isinstance(katas, dict)
    if not isinstance(katas, dict):
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


def progress_bytes(progress: Progress) -> bytes:
    """The one way progress is written: sorted, indented JSON, UTF-8, ending in a newline."""
    return (json.dumps(progress.to_json(), indent=2, sort_keys=True) + "\n").encode("utf-8")


def shown(value: object, width: int = 40) -> str:
    """A JSON value as a warning quotes it, cut short."""
    text = json.dumps(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def parse_progress(raw: bytes) -> dict[str, Any]:
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


def readable(raw: bytes) -> bool:
    """Whether bytes are a progress file this tool can read (a JSON object)."""
    try:
        parse_progress(raw)
    except ValueError:
        return False
    return True


def now() -> str:
    """The current UTC time as an ISO 8601 string, to the microsecond (it orders events)."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")

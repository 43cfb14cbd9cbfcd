"""A pytest plugin: every started kata is a test, and its failure message is the diagnosis.

What it is for: running the katas with pytest, as minitorch marks each exercise's tests.
Installed with the package (the pytest11 entry point), or loaded with `-p katas.pytest_plugin`:
- `pytest workspace/` collects each kata file NN-id.py of a workspace (a folder holding
  progress.json) as one test, named after the kata;
- `pytest --katas` adds one test per started kata of the workspace (--kata-workspace DIR,
  else $KATA_WORKSPACE, else the workspace the current directory is in, else ./workspace)
  to whatever else pytest collects;
- every kata test carries the marker `kata`, so `pytest --katas -m kata` runs only them and
  `-k ID` picks one.
Each test runs `kata check` on the file (in the sandbox, in a separate process, with the same
guard of the workspace and the same progress record): it passes when the diagnosis is ok (and
marks the kata solved), and fails with the learner-facing report, never a traceback of the
runner. A warning about the workspace ends the failure message, or is a pytest warning on a pass.
What it is not for: the project's own test suite, which never depends on a workspace. The
plugin stays inert unless one of the two ways above asks for it, and imports nothing heavy
until then.
"""
from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from katas import names

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

PROGRESS_FILE = "progress.json"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("katas", "backprop-kata katas")
    group.addoption("--katas", action="store_true", default=False,
                    help="add one test per started kata of the workspace (kata check as a test)")
    group.addoption("--kata-workspace", metavar="DIR", default=None,
                    help="the workspace for --katas (default: $KATA_WORKSPACE, else the workspace the current "
                         "directory is in, else ./workspace)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kata: a backprop-kata kata, checked by the diagnoser (kata check)")


def pytest_collect_file(file_path: pathlib.Path, parent: pytest.Collector) -> KataFile | None:
    """A kata file in a workspace folder becomes a KataFile collector."""
    if names.KATA_FILE.match(file_path.name) and (file_path.parent / PROGRESS_FILE).is_file():
        return KataFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --katas, add the started katas that pytest did not collect from their files."""
    if not config.getoption("katas"):
        return
    from katas.learner import workspace

    ws = workspace.Workspace(workspace.resolve(config.getoption("kata_workspace")))
    have = {str(item.path) for item in items if isinstance(item, KataItem)}
    for path in sorted(ws.root.glob("*.py")):
        match = names.KATA_FILE.match(path.name)
        if match and match.group(2) in ws.progress.katas and str(path) not in have:
            items.extend(KataFile.from_parent(session, path=path).collect())


class KataFile(pytest.File):
    """One kata file: yields one KataItem."""

    def collect(self) -> Iterator[KataItem]:
        card_id = names.kata_id(self.path.name)  # a kata file's name: pytest_collect_file matched it
        yield KataItem.from_parent(self, name="kata %s" % card_id, card_id=card_id)


class KataFailure(Exception):
    """The kata is not green; the message is the learner-facing report."""


class KataItem(pytest.Item):
    """`kata check` on one file, as a test."""

    def __init__(self, *, card_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.card_id = card_id
        self.add_marker("kata")

    def runtest(self) -> None:
        from katas import paths
        from katas.commands import common
        from katas.learner import report, workspace

        ws = workspace.Workspace(self.path.parent)
        try:
            card = common.find(self.card_id)
        except common.UsageError as exc:
            raise KataFailure("kata: %s" % exc)
        checked = common.check_kata(ws, card, self.path)
        warnings = ["warning: %s" % text for text in ws.take_warnings()]
        if not checked.result.green:
            lines = report.terminal(card, checked.result, paths.display(self.path)) + common.next_steps(ws, card, checked)
            raise KataFailure("\n".join(lines + warnings))
        for text in warnings:
            self.warn(pytest.PytestWarning("kata %s: %s" % (self.card_id, text)))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: TracebackStyle | None = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, KataFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self.path, None, "kata %s" % self.card_id

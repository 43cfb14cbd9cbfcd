"""A kata is also a pytest test: `pytest workspace/` and `pytest --katas` run one test per started kata.

Each run is a separate pytest process on a workspace in tmp_path, never the project's own.
"""
import os
import subprocess
import sys

import pytest

from katas import catalogue
from katas.learner import katafile, workspace
from katas.cli import main
from tests import ROOT


@pytest.fixture
def workspace_with_two_katas(learner_dir, capsys):
    """A workspace with a red kata and a fixed one, in a folder with nothing else to collect."""
    assert main(["start", "misspelled-key"]) == 0
    assert main(["start", "missing-1-over-n"]) == 0
    card = catalogue.find_card("missing-1-over-n")
    (learner_dir / "workspace" / "01-missing-1-over-n.py").write_text(katafile.render_solution(card))
    capsys.readouterr()
    return learner_dir


def pytest_run(cwd, *argv, autoload=False):
    """pytest in its own process. autoload=False loads no installed plugin but this one (-p)."""
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    options = ["-p", "no:cacheprovider", "-rA"]
    if not autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        options += ["-p", "katas.pytest_plugin"]
    return subprocess.run([sys.executable, "-m", "pytest"] + options + list(argv), cwd=str(cwd),
                          capture_output=True, text=True, env=env, timeout=120)


def test_pytest_on_the_workspace_runs_one_test_per_started_kata(workspace_with_two_katas):
    done = pytest_run(workspace_with_two_katas, "workspace", autoload=True)  # found through its entry point
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "1 failed, 1 passed" in out
    assert "PASSED workspace/01-missing-1-over-n.py::kata missing-1-over-n" in out
    assert "FAILED workspace/12-misspelled-key.py::kata misspelled-key" in out
    # The failure message is the learner-facing diagnosis, not a traceback of the runner.
    assert "RED, crash" in out and "KeyError: 'w1'" in out and 'params["w1"]' in out
    assert "katas/pytest_plugin.py" not in out and "raise KataFailure" not in out
    state = workspace.Workspace(workspace_with_two_katas / "workspace")
    assert state.state(catalogue.find_card("missing-1-over-n")) == "solved"


def test_pytest_katas_option_and_marker(workspace_with_two_katas):
    folder = workspace_with_two_katas / "elsewhere"
    folder.mkdir()
    done = pytest_run(folder, "--katas", "--kata-workspace", str(workspace_with_two_katas / "workspace"),
                      "-m", "kata", "-k", "missing")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 deselected" in done.stdout


def test_the_plugin_ignores_folders_that_are_not_workspaces(tmp_path):
    """A file named like a kata outside a workspace (no progress.json) is not collected."""
    (tmp_path / "01-missing-1-over-n.py").write_text("x = 1\n")
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert 1 + 1 == 2\n")
    done = pytest_run(tmp_path)
    assert done.returncode == 0 and "collected 1 item" in done.stdout and "1 passed" in done.stdout
    assert "::kata" not in done.stdout


def test_the_plugin_is_declared_as_a_pytest11_entry_point():
    """Installed with the package, so `pytest workspace/` needs no -p option."""
    import importlib

    pyproject = ROOT / "pyproject.toml"
    declared = catalogue.tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["entry-points"]["pytest11"]
    assert list(declared) == ["kata"]  # the name `-p no:kata` turns it off by
    assert hasattr(importlib.import_module(declared["kata"]), "pytest_collect_file")

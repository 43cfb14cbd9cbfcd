"""What every test starts from: none of the learner's KATA_* settings, and the documented probe seed.

kata_environment (autouse) removes every KATA_* variable the suite was started with (a learner's
KATA_WORKSPACE, KATA_CARDS, KATA_TIME_LIMIT...), so no test reads or writes a real workspace, and
sets KATA_SEED=0: checks draw the documented probe sizes (N=8, D=5, H=6, C=3), which the
expected outputs quote. A test that wants fresh seeds deletes KATA_SEED itself;
tests/reference/test_seeds.py varies the seed explicitly. Child processes inherit the same
environment. (KATA_AUDIT_E2E, the suite's own switch, is read when the tests are collected, before
any of this.) learner_dir and started are the current folder of a learner with no kata yet, and
with the first kata started.
"""
import os

import pytest

from katas import catalogue, sandbox
from katas.cli import main
from katas.learner import katafile

STARTED = "missing-1-over-n"  # the kata `started` starts, the first of the catalogue


@pytest.fixture(autouse=True)
def kata_environment(monkeypatch):
    for name in [name for name in os.environ if name.startswith("KATA_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv(sandbox.SEED_ENV, "0")


@pytest.fixture
def learner_dir(tmp_path, monkeypatch):
    """An empty current directory; the default workspace is ./workspace inside it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def started(learner_dir, capsys):
    """The kata file of missing-1-over-n, started (red) in ./workspace; what start printed is read."""
    assert main(["start", STARTED]) == 0
    capsys.readouterr()
    return learner_dir / "workspace" / katafile.kata_filename(catalogue.find_card(STARTED))

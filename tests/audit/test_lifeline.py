"""Interrupted, stopped or killed, the audit takes mutmut, its workers and the copy with it."""
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

from tests.audit.toy import alive, processes_in, snapshot, wait_until, write_toy_project


@pytest.mark.skipif(not pathlib.Path("/proc/self/cwd").exists() or not hasattr(os, "fork"),
                    reason="needs fork and /proc")
def test_ctrl_c_stops_mutmut_removes_the_copy_and_leaves_the_tree_untouched(tmp_path):
    slow = ("import time\nfrom toynet import calc\n\n\ndef test_double():\n    time.sleep(20)\n"
            "    assert calc.double(3) == 6\n")
    root = write_toy_project(tmp_path / "toy", test_body=slow)
    before = snapshot(root)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    process = subprocess.Popen(
        [sys.executable, "-m", "katas.cli", "audit", "--root", str(root), "--out", str(tmp_path / "out"),
         "--max-children", "1", "--no-census"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not list(scratch.glob("kata-audit-*/project/mutants/toynet/calc.py.meta")):
            assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
            time.sleep(0.05)
        assert processes_in(scratch)  # mutmut is running in the copy
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, output
    assert "interrupted" in output
    assert list(scratch.iterdir()) == []  # the copy is gone
    assert processes_in(scratch) == []  # and so are mutmut and its workers
    assert snapshot(root) == before
    assert not (tmp_path / "out").exists()


# Stands in for mutmut (runner.MUTMUT): a process that forks a worker into its group and waits.
FAKE_MUTMUT = ("import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; "
               "time.sleep(300)']); time.sleep(300)")


@pytest.mark.skipif(not pathlib.Path("/proc/self/cwd").exists() or not hasattr(os, "fork"),
                    reason="needs fork and /proc")
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130),
                                          (signal.SIGKILL, -signal.SIGKILL)], ids=lambda v: getattr(v, "name", v))
def test_a_stopped_or_killed_audit_ends_mutmut_s_group_and_removes_the_copy(tmp_path, signum, code):
    root = write_toy_project(tmp_path / "toy")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    script = ("import sys; from katas import cli; from katas.audit import runner; runner.MUTMUT = %r; "
              "sys.exit(cli.main(sys.argv[1:]))" % (FAKE_MUTMUT,))
    process = subprocess.Popen(
        [sys.executable, "-c", script, "audit", "--root", str(root), "--out", str(tmp_path / "out"),
         "--max-children", "1", "--no-census"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        # the fake mutmut and its worker, both in the copy (the watchdog waits in scratch itself)
        assert wait_until(lambda: len(processes_in(next(scratch.glob("kata-audit-*"), scratch / "none"))) == 2)
        children = processes_in(next(scratch.glob("kata-audit-*")))
        process.send_signal(signum)
        output = process.communicate(timeout=60)[0].decode()
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, output
    if signum != signal.SIGKILL:
        assert "interrupted (%s)" % signal.Signals(signum).name in output
    assert wait_until(lambda: not any(alive(pid) for pid in children)), "mutmut or its worker outlived the audit"
    assert wait_until(lambda: processes_in(scratch) == [] and list(scratch.iterdir()) == []), (
        processes_in(scratch), list(scratch.iterdir()))
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux only")
def test_a_spawned_child_dies_with_its_parent_even_on_sigkill(tmp_path):
    script = ("import sys, time; from katas.audit import lifeline; child = lifeline.spawn([sys.executable, '-c', "
              "'import time; time.sleep(300)']); print(child.pid, flush=True); time.sleep(300)")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    try:
        child = int(parent.stdout.readline())
        assert alive(child)
        parent.kill()
        parent.wait()
    finally:
        if parent.poll() is None:
            parent.kill()
    assert wait_until(lambda: not alive(child))


def test_signal_exit_codes_are_128_plus_the_signal():
    from katas.audit import lifeline
    assert lifeline.exit_code(KeyboardInterrupt()) == 130
    assert lifeline.exit_code(lifeline.Stopped(signal.SIGTERM)) == 143
    assert lifeline.signal_name(lifeline.Stopped(signal.SIGHUP)) == "SIGHUP"

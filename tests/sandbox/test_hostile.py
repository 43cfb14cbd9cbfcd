"""A learner's file that tries to cheat the verdict, or to hurt the runner, never gets green.

Each row is the first kata with its bug kept (the missing 1/N, so the truthful verdict is
red) plus a hostile trick, run through the real sandbox: the judge in this process, the file
in an evaluator. Each must end with a verdict that is not green, within the time limit plus
a grace; no process it started may be left; no temporary folder may be left; this process
and the file itself must come out unchanged. Rows marked `green_ok` keep the bug out (the
reference fix) to show that a harmless trick does not cost a correct file its green.
"""
import os
import pathlib
import subprocess
import tempfile
import time

import pytest

import reference
from katas import catalogue, sandbox
from katas.learner import katafile
from katas.cli import main

CARD = "missing-1-over-n"
TIME_LIMIT = 2.0
REFERENCE_DIR = pathlib.Path(reference.__file__).resolve().parent
ANCHOR = '    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]\n'
MARK = "61.2345"  # the argument of every `sleep` a hostile file starts: found on /proc if it survives


def buggy():
    return katafile.render_kata(catalogue.find_card(CARD))


def fixed():
    return katafile.render_solution(catalogue.find_card(CARD))


def at_import(code, base=buggy):
    return base().replace("import numpy as np\n", "import numpy as np\n" + code + "\n", 1)


def in_loss(code, base=buggy):
    return base().replace(ANCHOR, ANCHOR + "    " + code + "\n")


def only(text):
    return lambda: text


# A wrapper that makes the reference's loss pass for the learner's, in several disguises.
NET = str(REFERENCE_DIR / "net.py")
DIAGNOSE = str(REFERENCE_DIR / "diagnose" / "__init__.py")

# (name, source, verdict the check must give, words in the problem or evidence)
CHEATS = [
    ("diagnoser replaced in the child", lambda: at_import(
        "import reference.diagnose as d\nd.diagnose = lambda *a, **k: None"), "error", "imports reference"),
    ("diagnoser replaced through a built name", lambda: at_import(
        "d = __import__('refer' + 'ence.diagnose', fromlist=['x'])\nd.diagnose = None"), "error",
     "imports reference.diagnose"),
    ("the old worker's diagnoser replaced", lambda: at_import(
        "import katas.sandbox_worker as w\nw.diagnose = None"), "error", "imports katas"),
    ("np.abs patched to zero", lambda: at_import("np.abs = lambda x, *a, **k: 0.0 * np.asarray(x)"), "red",
     "uniform_scale"),
    ("np.max and np.allclose patched", lambda: at_import(
        "np.max = lambda *a, **k: 0.0\nnp.allclose = lambda *a, **k: True"), "red", "uniform_scale"),
    ("the reference's loss assigned to itself", lambda: at_import(
        "import reference.net\nreference.net.loss = lambda *a, **k: None"), "error", "imports reference"),
    ("a wrapper around the reference", only(
        "from reference import net\n\ndef loss(params, X, y, reg=0.0):\n    return net.loss(params, X, y, reg)\n"),
     "error", "imports reference"),
    ("functools.partial of the reference", only(
        "import functools\nfrom reference import net\nloss = functools.partial(net.loss)\n"), "error",
     "imports reference"),
    ("the reference relabelled", only(
        "from reference.net import loss\nloss.__module__ = __name__\n"), "error", "imports reference.net"),
    ("the reference loaded under another name", only(
        "import importlib.util\nspec = importlib.util.spec_from_file_location('mine', %r)\n"
        "mine = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(mine)\nloss = mine.loss\n" % NET),
     "error", "reads the project's own files"),
    ("exec of the reference's source", only("exec(open(%r).read())\n" % NET), "error",
     "reads the project's own files"),
    ("the reference's code rebuilt", only(
        "import types, importlib\nnet = importlib.import_module('reference' + '.net')\n"
        "loss = types.FunctionType(net.loss.__code__, globals())\n"), "error", "not the reference"),
    ("import_module of a literal", only("import importlib\nloss = importlib.import_module('reference.net').loss\n"),
     "error", "imports reference.net"),
    ("an override appended to the diagnoser", lambda: at_import(
        "open(%r, 'a').write('\\ndef diagnose(*a, **k): pass\\n')" % DIAGNOSE), "error",
     "reads the project's own files"),
    ("the 1/N applied only at the documented sizes", lambda: buggy().replace(
        "    return loss, dscores\n",
        "    if N in (8, 13):\n        dscores /= N\n    return loss, dscores\n", 1), "red", "uniform_scale"),
    ("a forged reply and an exit", lambda: in_loss(
        "import sys\n    f = sys._getframe()\n"
        "    while f and 'self' not in f.f_locals: f = f.f_back\n"
        "    s = f.f_locals['self']\n"
        "    from katas.evaluator import channel\n"
        "    channel.send(s.replies, {'status': 'finished', 'output_chars': 0})\n"
        "    os._exit(0)"), "error", ""),
    ("garbage written to every descriptor", lambda: in_loss(
        "import os\n    for fd in range(3, 64):\n        try: os.write(fd, b'\\x00\\x00\\x00\\x05{}}}}')\n"
        "        except OSError: pass"), "error", "channel"),
    ("a copy of the process forked inside loss", lambda: in_loss("import os; os.fork()"), "red", "uniform_scale"),
    ("the runner stopped through getppid", lambda: in_loss(
        "import os, signal; os.kill(os.getppid(), signal.SIGSTOP)"), "not green", ""),
    ("the runner killed through getppid", lambda: in_loss(
        "import os, signal; os.kill(os.getppid(), signal.SIGKILL)"), "not green", ""),
    ("every process it can reach killed", lambda: in_loss("import os, signal; os.kill(-1, signal.SIGKILL)"),
     "not green", ""),
    ("a process left in a new session", lambda: in_loss(
        "import subprocess; subprocess.Popen(['sleep', '%s'], start_new_session=True)" % MARK), "red",
     "uniform_scale"),
    ("fifty grandchildren in their own sessions", lambda: at_import(
        "import os\nfor _ in range(50):\n    if os.fork() == 0:\n        os.setsid()\n"
        "        if os.fork() == 0:\n            os.execvp('sleep', ['sleep', '%s'])\n        os._exit(0)" % MARK),
     "not green", ""),
    ("a shell that outlives its parent", lambda: at_import(
        "import subprocess\nsubprocess.Popen('(setsid sleep %s &) ; true', shell=True)" % MARK), "red",
     "uniform_scale"),
    ("all descriptors closed", lambda: in_loss("import os; os.closerange(0, 256)"), "error", "channel"),
    ("an infinite loop in loss", lambda: in_loss("while True: pass"), "error", "did not finish"),
]


@pytest.fixture
def temp(tmp_path, monkeypatch):
    """A private temporary folder for the checks, to see that they leave nothing in it."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.delenv(sandbox.SEED_ENV)  # fresh probe seeds: no cheat may pass at the documented sizes
    return folder


def survivors():
    """Pids of processes whose command line carries MARK."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/cmdline" % name, "rb") as stream:
                    if MARK.encode() in stream.read():
                        with open("/proc/%s/stat" % name) as stat:
                            if stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                                found.append(int(name))
            except OSError:
                pass
    return found


def children():
    """Live direct children of this process."""
    me = os.getpid()
    try:
        with open("/proc/self/task/%d/children" % me) as stream:
            return [int(p) for p in stream.read().split()]
    except OSError:
        return []


def settle(check, seconds=10):
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.05)
    return check()


@pytest.mark.parametrize("name, source, verdict, words", CHEATS, ids=[row[0] for row in CHEATS])
def test_a_cheat_or_an_attack_never_gets_green(tmp_path, temp, name, source, verdict, words):
    path = tmp_path / "01-missing-1-over-n.py"
    text = source()
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    reference_files = {p: p.read_bytes() for p in REFERENCE_DIR.rglob("*.py")}
    started = time.monotonic()
    seeds = [None] if "documented sizes" not in name else [1, 2, 3]
    for seed in seeds:
        result = sandbox.check_file(path, time_limit=TIME_LIMIT, seed=seed)
        assert result.verdict != "green", result.text
        if verdict != "not green":
            assert result.verdict == verdict, "%s: %s" % (result.problem, result.text)
        blob = " ".join([result.problem, result.signature or "", result.text])
        assert words in blob, blob
    assert time.monotonic() - started < len(seeds) * (TIME_LIMIT + sandbox.GRACE + 10)
    assert path.read_bytes() == before, "the learner's file changed"
    assert {p: p.read_bytes() for p in REFERENCE_DIR.rglob("*.py")} == reference_files
    assert settle(lambda: not survivors()), "left running: %s" % survivors()
    assert settle(lambda: not children()), "processes of the check left: %s" % children()
    assert not list(temp.iterdir()), "left in the temporary folder: %s" % list(temp.iterdir())


def test_the_cheat_on_the_documented_sizes_would_pass_at_those_sizes(tmp_path, temp):
    """Why the sizes are drawn: at seed 0 (N = 8 and 13) that cheat is green."""
    row = next(r for r in CHEATS if r[0] == "the 1/N applied only at the documented sizes")
    path = tmp_path / "01-missing-1-over-n.py"
    path.write_text(row[1](), encoding="utf-8")
    assert sandbox.check_file(path, time_limit=TIME_LIMIT, seed=0).verdict == "green"


def test_the_learner_process_cannot_signal_a_process_outside(tmp_path, temp):
    """A process of the runner's (here a sleep) is out of the learner's reach by its pid."""
    bystander = subprocess.Popen(["sleep", "30"])
    try:
        path = tmp_path / "01-missing-1-over-n.py"
        path.write_text(at_import("import os, signal\ntry:\n    os.kill(%d, signal.SIGKILL)\nexcept OSError:\n"
                                  "    pass" % bystander.pid, base=fixed), encoding="utf-8")
        result = sandbox.check_file(path, time_limit=TIME_LIMIT)
        assert result.verdict == "green" and bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def landlock_here():
    """Whether the learner process runs under Landlock on this machine (asked harmlessly)."""
    folder = tempfile.mkdtemp()
    try:
        path = pathlib.Path(folder) / "01-x.py"
        target = pathlib.Path(folder) / "outside"
        path.write_text(at_import("open(%r, 'w').write('x')" % str(target), base=fixed), encoding="utf-8")
        sandbox.check_file(path, time_limit=TIME_LIMIT)
        return not target.exists()
    finally:
        import shutil
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("what, code", [
    ("truncate the kata file and delete backups/",
     "open({kata!r}, 'w').close(); import shutil; shutil.rmtree({backups!r})"),
    ("replace progress.json by a folder", "import os; os.remove({progress!r}); os.mkdir({progress!r})"),
    ("append to the installed diagnoser through a shell",
     "import subprocess; subprocess.run(['sh', '-c', 'echo \"# x\" >> {diagnose}'])"),
    ("delete the whole workspace from a detached process",
     "import subprocess; subprocess.run(['sh', '-c', 'rm -rf {root}'])"),
])
def test_the_learner_process_cannot_write_the_workspace_or_the_project(learner_dir, capsys, what, code):
    if not landlock_here():
        pytest.skip("this kernel has no Landlock: tests/learner/test_check_guard.py covers the workspace guard")
    assert main(["start", CARD]) == 0
    root = learner_dir / "workspace"
    kata = root / "01-missing-1-over-n.py"
    kata.write_text(kata.read_text(encoding="utf-8") + "# first try\n", encoding="utf-8")
    assert main(["reset", CARD]) == 0
    paths = dict(kata=str(kata), backups=str(root / "backups"), progress=str(root / "progress.json"),
                 diagnose=DIAGNOSE, root=str(root))
    kata.write_text(at_import(code.format(**paths), base=fixed), encoding="utf-8")
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p.name != ".progress.lock"}
    files.pop(root / "progress.json")
    project = {p: p.read_bytes() for p in REFERENCE_DIR.rglob("*.py")}
    capsys.readouterr()
    main(["check", CARD])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "your code changed the workspace" not in err
    assert {p: p.read_bytes() for p in files} == files and (root / "progress.json").is_file()
    assert {p: p.read_bytes() for p in REFERENCE_DIR.rglob("*.py")} == project


@pytest.mark.parametrize("encoding", ["utf-8-sig", "crlf", "utf-8-sig+crlf"])
def test_a_correct_file_saved_with_a_bom_or_crlf_is_green(tmp_path, temp, encoding):
    text = fixed()
    if "crlf" in encoding:
        text = text.replace("\n", "\r\n")
    path = tmp_path / "01-missing-1-over-n.py"
    path.write_bytes(text.encode("utf-8-sig" if "sig" in encoding else "utf-8"))
    result = sandbox.check_file(path, time_limit=TIME_LIMIT)
    assert result.verdict == "green", result.problem


def test_a_syntax_error_in_a_crlf_file_names_its_line(tmp_path, temp):
    text = fixed().replace("    N = scores.shape[0]\n", "    N = scores.shape[0] +\n").replace("\n", "\r\n")
    path = tmp_path / "01-missing-1-over-n.py"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = sandbox.check_file(path, time_limit=TIME_LIMIT)
    number = [i for i, line in enumerate(text.split("\r\n"), 1) if line.strip() == "N = scores.shape[0] +"][0]
    assert result.verdict == "error" and "SyntaxError" in result.problem and result.line == number


def test_the_battery_is_large():
    assert len(CHEATS) >= 25


def test_an_evaluator_kept_warm_serves_many_checks_and_survives_a_crash(tmp_path, temp):
    good, bad = tmp_path / "01-good.py", tmp_path / "01-bad.py"
    good.write_text(fixed(), encoding="utf-8")
    bad.write_text(in_loss("import ctypes; ctypes.string_at(0)"), encoding="utf-8")
    with sandbox.Evaluator() as evaluator:
        verdicts = [sandbox.check_file(p, time_limit=TIME_LIMIT, evaluator=evaluator).verdict
                    for p in (good, bad, good, good)]
    assert verdicts == ["green", "error", "green", "green"]
    assert settle(lambda: not children())

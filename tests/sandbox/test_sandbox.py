"""Learner code is hostile input: a battery of what a file in progress can do, through `kata check`.

Each row writes one behaviour into a started kata (the reference code plus the hostile line,
so nothing else is wrong) and runs `kata check`. Each must give a clear verdict naming the
problem, and the line of the learner's file where there is one, never a traceback of the
runner; the runner (this process) carries on and the learner's file is left unchanged.
"""
import os
import signal
import subprocess
import sys
import time

import pytest

from katas import catalogue, sandbox
from katas.learner import katafile
from katas.cli import main

CARD = "missing-1-over-n"
TIME_LIMIT = "2"  # seconds, for the infinite loops
ANCHOR = '    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]\n'


def solution():
    return katafile.render_solution(catalogue.find_card(CARD))


# The learner's code may run in a PID namespace, where os.getpid() is not the pid the test
# sees: /proc/self/status lists the process's pid in every namespace, the outermost first.
OUTER_PID = "int(open('/proc/self/status').read().split('NSpid:')[1].split()[0])"


def in_loss(code):
    """The reference with code as the first statement of loss() after the parameters are read."""
    return solution().replace(ANCHOR, ANCHOR + "    " + code + "\n")


def at_import(code):
    """The reference with code run at import, right after `import numpy as np`."""
    return solution().replace("import numpy as np\n", "import numpy as np\n" + code + "\n", 1)


def replaced(old, new):
    text = solution()
    assert text.count(old) == 1, old
    return text.replace(old, new)


# (name, source, verdict, words the report must contain, the line's text or None)
BATTERY = [
    ("syntax error", lambda: replaced("    N = scores.shape[0]\n", "    N = scores.shape[0] +\n"),
     "ERROR", ["SyntaxError"], "N = scores.shape[0] +"),
    ("indentation error", lambda: in_loss("  x = 1"), "ERROR", ["IndentationError"], "x = 1"),
    ("import of a missing module", lambda: at_import("import torch"),
     "ERROR", ["ModuleNotFoundError", "'torch'"], "import torch"),
    ("import of a missing name", lambda: at_import("from numpy import backprop"),
     "ERROR", ["ImportError", "backprop"], "from numpy import backprop"),
    ("exception at import", lambda: at_import("SCALE = 1 / 0"),
     "ERROR", ["ZeroDivisionError while loading"], "SCALE = 1 / 0"),
    ("no loss function", lambda: replaced("def loss(params", "def loss_fn(params"),
     "ERROR", ["no function named loss", "loss_fn"], None),
    ("loss not callable", lambda: solution() + "\nloss = 0.5\n", "ERROR", ["loss is a float, not a function"],
     "loss = 0.5"),
    ("wrong return type", lambda: replaced("        return total_loss, grads, dX\n    return total_loss, grads\n",
                                           "        return total_loss, grads, dX\n    return total_loss\n"),
     "RED, crash", ["instead of a (loss, grads) pair"], None),
    ("wrong keys", lambda: replaced('grads = {"W1": dW1', 'grads = {"w1": dW1'),
     "RED, crash", ["grads must have exactly the keys of params", "W1 missing", "'w1' unexpected"], None),
    ("wrong shapes", lambda: replaced('grads = {"W1": dW1', 'grads = {"W1": dW1.T'),
     "RED, shape_error", ["grads['W1'] has shape (6, 5) but W1 has shape (5, 6)"], None),
    ("nan", lambda: replaced("    dscores /= N  #", "    dscores *= np.nan  #"),
     "RED, nonfinite", ["nan or inf"], None),
    ("inputs modified in place", lambda: in_loss("X *= 1.5"), "RED, mutates_input", ["modified X in place"], None),
    ("infinite loop in loss", lambda: in_loss("while True: pass"),
     "ERROR", ["did not finish within 2 s", "infinite loop"], "while True: pass"),
    ("infinite loop at import", lambda: at_import("while 1 < 2: pass"),
     "ERROR", ["did not finish within 2 s", "while your file was loading"], "while 1 < 2: pass"),
    ("sys.exit in loss", lambda: in_loss("import sys; sys.exit(3)"), "RED, crash", ["SystemExit"],
     "import sys; sys.exit(3)"),
    ("sys.exit at import", lambda: at_import("import sys; sys.exit('bye')"),
     "ERROR", ["called sys.exit('bye') while loading"], "import sys; sys.exit('bye')"),
    ("os._exit in loss", lambda: in_loss("import os; os._exit(4)"),
     "ERROR", ["your loss called os._exit(4): a loss function must return its result"], "import os; os._exit(4)"),
    ("os._exit(0) in loss", lambda: in_loss("import os; os._exit(0)"),
     "ERROR", ["your loss called os._exit(0): a loss function must return its result"], "import os; os._exit(0)"),
    ("os.abort in loss", lambda: in_loss("import os; os.abort()"),
     "ERROR", ["your loss called os.abort(): a loss function must return its result"], "import os; os.abort()"),
    ("os._exit at import", lambda: at_import("import os; os._exit(0)"),
     "ERROR", ["your file called os._exit(0) while loading"], "import os; os._exit(0)"),
    ("posix._exit in loss", lambda: in_loss("import posix; posix._exit(5)"),
     "ERROR", ["ended with exit code 5", "while the checker was calling your loss"], None),
    ("segfault through ctypes", lambda: in_loss("import ctypes; ctypes.string_at(0)"),
     "ERROR", ["segmentation fault (SIGSEGV)"], "import ctypes; ctypes.string_at(0)"),
    ("SIGSEGV sent to itself", lambda: in_loss("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"),
     "ERROR", ["segmentation fault (SIGSEGV)"], "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"),
    ("SIGKILL sent to itself", lambda: in_loss("import os, signal; os.kill(os.getpid(), signal.SIGKILL)"),
     "ERROR", ["SIGKILL"], None),
    ("huge printed output", lambda: in_loss("print('x' * 1000000)"),
     "GREEN", ["your code printed about", "first 64 KB", "| xxxx"], None),
    ("np.seterr at import", lambda: at_import("np.seterr(all='raise')"), "GREEN", ["np.seterr", "over=raise"], None),
    ("np.seterr raising in loss", lambda: in_loss("np.seterr(over='raise'); np.exp(np.array([1e4]))"),
     "RED, nonfinite", ["FloatingPointError", "overflow"], "np.seterr(over='raise'); np.exp(np.array([1e4]))"),
    ("memory exhaustion", lambda: in_loss("hog = bytearray(64 * 1024 ** 3)"), "RED, crash", ["MemoryError"],
     "hog = bytearray(64 * 1024 ** 3)"),
    ("reading standard input", lambda: in_loss("input('W1? ')"), "RED, crash", ["EOFError"], "input('W1? ')"),
    ("runaway recursion at import", lambda: at_import("def again():\n    return again()\nagain()"),
     "ERROR", ["RecursionError while loading"], "return again()"),
    ("flooding file descriptor 1", lambda: in_loss("import os; os.write(1, b'y' * (16 * 1024 ** 2))"),
     "RED, crash", ["OSError", "File too large"], "import os; os.write(1, b'y' * (16 * 1024 ** 2))"),
    ("KeyboardInterrupt raised in loss", lambda: in_loss("raise KeyboardInterrupt"),
     "ERROR", ["your loss raised KeyboardInterrupt"], "raise KeyboardInterrupt"),
    ("bytes that are not UTF-8", lambda: solution() + "# caf\udce9\n", "ERROR", ["not valid UTF-8"], None),
    ("an empty file", lambda: "", "ERROR", ["your file is empty: `kata reset %s` restores the kata" % CARD], None),
    ("a file of blank lines", lambda: "\n  \n\n", "ERROR", ["your file is empty"], None),
    ("the reference's loss imported", lambda: "from reference.net import loss\n",
     "ERROR", ["your file imports reference.net, the project's own code: write the network in this file"],
     "from reference.net import loss"),
    ("the reference's loss assigned", lambda: "from reference import net\nloss = net.loss\n",
     "ERROR", ["your file imports reference"], "from reference import net"),
    ("the deep reference's loss imported", lambda: "from reference.mlp import *\n",
     "ERROR", ["your file imports reference.mlp"], "from reference.mlp import *"),
]


def write(path, text):
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("name, source, verdict, words, line_text", BATTERY, ids=[row[0] for row in BATTERY])
def test_hostile_code_gets_a_clear_verdict(started, capsys, name, source, verdict, words, line_text):
    write(started, source())
    before = started.read_bytes()
    capsys.readouterr()
    code = main(["check", CARD, "--time-limit", TIME_LIMIT])
    out, err = capsys.readouterr()
    assert code == (0 if verdict == "GREEN" else 1), out
    assert "kata 01 %s: %s" % (CARD, verdict) in out, out
    for word in words:
        assert word in out, "%r not in:\n%s" % (word, out)
    if line_text is not None:
        number = [i for i, line in enumerate(before.decode("utf-8").splitlines(), 1) if line.strip() == line_text][0]
        assert "line %d" % number in out, "line %d (%s) not named in:\n%s" % (number, line_text, out)
    assert "Traceback" not in out + err and "katas/sandbox" not in out + err
    assert started.read_bytes() == before, "the learner's file changed"


def test_the_battery_covers_at_least_fifteen_behaviours():
    assert len({row[0] for row in BATTERY}) == len(BATTERY) >= 15


def test_processes_the_learner_code_starts_are_ended(started, capsys):
    """The learner's code prints the pid (as this test sees it) of a process it starts."""
    write(started, in_loss(
        "import os, subprocess; p = subprocess.Popen(['sleep', '60']); "
        "print('PID', open('/proc/self/task/%s/children' % os.listdir('/proc/self/task')[0]).read().split()[-1])"))
    capsys.readouterr()
    assert main(["check", CARD]) == 0
    pid = int(capsys.readouterr().out.split("PID ")[1].split()[0])
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid), "the learner's child process %d outlived the check" % pid


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is already dead: reap it if it is ours, and check its state otherwise
        with open("/proc/%d/stat" % pid) as stream:
            return stream.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


@pytest.mark.parametrize("name", ["segfault through ctypes", "infinite loop in loss", "os._exit in loss",
                                  "syntax error", "SIGKILL sent to itself", "np.seterr at import"])
def test_without_a_pid_namespace_the_verdicts_are_the_same(tmp_path, name):
    """Where the kernel refuses a PID namespace, the learner process runs in a session of its own."""
    _, source, verdict, words, line_text = next(row for row in BATTERY if row[0] == name)
    path = tmp_path / "01-missing-1-over-n.py"
    write(path, source())
    with sandbox.Evaluator(namespaces=False) as evaluator:
        result = sandbox.check_file(path, time_limit=float(TIME_LIMIT), evaluator=evaluator)
    assert result.isolation == "session"
    assert result.verdict == {"ERROR": "error", "GREEN": "green"}.get(verdict, "red")
    assert any(word in result.problem + " ".join(result.evidence + result.warnings) for word in words)
    if line_text is not None:
        number = [i for i, line in enumerate(source().splitlines(), 1) if line.strip() == line_text][0]
        assert result.line == number


def test_the_kata_command_itself_survives_a_segfault(started):
    """The real console entry point in its own process: the verdict, exit code 1, no core file."""
    write(started, in_loss("import ctypes; ctypes.string_at(0)"))
    done = subprocess.run([sys.executable, "-m", "katas.cli", "check", CARD], cwd=str(started.parent.parent),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "segmentation fault" in done.stdout and "Traceback" not in done.stderr
    assert not list(started.parent.parent.glob("core*")) and not list(started.parent.glob("core*"))


def test_a_check_interrupted_by_the_learner_leaves_no_child(tmp_path):
    """Ctrl-C in the runner while the learner's code loops: the child is killed, not orphaned,
    and the check's scratch folder is removed."""
    path = tmp_path / "01-missing-1-over-n.py"
    temp = tmp_path / "temp"
    temp.mkdir()
    write(path, in_loss("print('PID', %s, flush=True)\n    while True: pass" % OUTER_PID))
    script = ("import sys; from katas import sandbox\n"
              "sandbox.check_file(sys.argv[1], time_limit=30)\n")
    runner = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=dict(os.environ, TMPDIR=str(temp)))
    deadline = time.monotonic() + 30
    printed = ""
    while "PID" not in printed and time.monotonic() < deadline:
        time.sleep(0.05)
        printed = "".join(p.read_text() for p in temp.glob("kata-check-*/output.txt"))
    assert "PID" in printed, "the learner's code never ran"
    runner.send_signal(signal.SIGINT)
    runner.communicate(timeout=30)
    child = int(printed.split("PID ")[1].split()[0])
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)
    assert not list(temp.iterdir()), "left behind: %s" % list(temp.iterdir())

"""A toy project and mutmut's results for it, laid out as mutmut 3 leaves them, for the audit's tests.

No full `mutmut run` of the network in these tests (the audit itself does that, in CI): the
results are files written in tmp_path. write_results() writes a source file, its instrumented copy
and the .meta file of exit codes; write_register() an equivalence register; fake() a Mutant with
no files behind it; write_toy_project() a tiny project the audit can really run; make_audit() an
Audit from mutants, as the runner returns it. snapshot(), processes_in(), alive() and wait_until()
watch what a run leaves behind (Linux /proc).
"""
import itertools
import json
import os
import pathlib
import time

from katas.audit import mutants, runner

SEP = "\u01c1"
ORIGINAL = '''"""A toy module."""


def double(x):
    return 2 * x  # twice


class Net(object):
    def forward(self, x):
        return x + 1
'''


# Laid out as mutmut 3.8 writes it: the trampolined original, an unmodified copy, one
# function per mutant; a method's copies stay in its class, named with U+01C1.
INSTRUMENTED = '''"""A toy module."""


def double(x):
    return 2 * x  # twice


def x_double__mutmut_orig(x):
    return 2 * x  # twice


def x_double__mutmut_1(x):
    return 3 * x  # twice


def x_double__mutmut_2(x):
    return 2 / x  # twice


class Net(object):
    def forward(self, x):
        return x + 1
    def xSNetSforward__mutmut_orig(self, x):
        return x + 1
    def xSNetSforward__mutmut_1(self, x):
        return x - 1
'''.replace("xSNetS", "x%sNet%s" % (SEP, SEP))


CODES = {"toy.calc.x_double__mutmut_1": 1, "toy.calc.x_double__mutmut_2": 0,
         "toy.calc.x%sNet%sforward__mutmut_1" % (SEP, SEP): 36}


def write_results(root, codes=CODES, original=ORIGINAL, instrumented=INSTRUMENTED):
    """A project folder as mutmut leaves it: the source, mutants/<source> and its .meta."""
    (root / "toy").mkdir(parents=True)
    (root / "toy" / "calc.py").write_text(original, encoding="utf-8")
    (root / "mutants" / "toy").mkdir(parents=True)
    (root / "mutants" / "toy" / "calc.py").write_text(instrumented, encoding="utf-8")
    meta = {"exit_code_by_key": codes, "hash_by_function_name": {}, "type_check_error_by_key": {},
            "durations_by_key": {k: 0.25 for k in codes}, "estimated_durations_by_key": {}}
    (root / "mutants" / "toy" / "calc.py.meta").write_text(json.dumps(meta), encoding="utf-8")
    return root


ALL_KILLED = {name: 1 for name in CODES}


def by_number(found):
    return {(m.function, m.number): m for m in found}


def write_register(path, entries):
    lines = ["format_version = 1", ""]
    for entry in entries:
        lines.append("[[mutant]]")
        lines += ["%s = %s" % (k, json.dumps(v)) for k, v in entry.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


SURVIVOR_ENTRY = {"file": "toy/calc.py", "function": "double", "before": "return 2 * x",
                  "after": "return   2 / x  # comments and spacing do not matter", "reason": "a toy reason"}


NUMBERS = itertools.count(1)


def fake(status, equivalent=None):
    """A mutant of a given status, without files behind it."""
    n = next(NUMBERS)
    return mutants.Mutant(name="m.x_f__mutmut_%d" % n, path="m.py", function="f", number=n, exit_code=None,
                          status=status, duration=None, line=1, before=("a",), after=("b",), diff="",
                          equivalent=equivalent)


def write_toy_project(root, test_body=None):
    """A tiny project the audit can run: toynet/calc.py and one test file."""
    (root / "toynet").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n'
        '[tool.mutmut]\nsource_paths = ["toynet/"]\npytest_add_cli_args_test_selection = ["tests/test_toy.py"]\n\n'
        '[tool.backprop-kata.audit]\nhigh = 100\nlow = 50\nbreak = 100\n', encoding="utf-8")
    (root / "toynet" / "__init__.py").write_text("", encoding="utf-8")
    (root / "toynet" / "calc.py").write_text("def double(x):\n    return 2 * x\n\n\ndef is_positive(x):\n"
                                             "    return x > 0\n", encoding="utf-8")
    (root / "tests" / "test_toy.py").write_text(test_body or (
        "from toynet import calc\n\n\ndef test_double():\n    assert calc.double(3) == 6\n\n\n"
        "def test_is_positive():\n    assert calc.is_positive(1) and not calc.is_positive(-1)\n"), encoding="utf-8")
    (root / "tests" / "test_other.py").write_text("def test_other():\n    pass\n", encoding="utf-8")
    (root / "README.md").write_text("not copied\n", encoding="utf-8")
    return root


def make_audit(settings, found, problems=(), cards=None, register_path=None):
    return runner.Audit(settings=settings, mutants=found,
                       score=runner.compute_score(found, settings.thresholds, problems),
                       census=runner.census_counts(found), register_problems=list(problems),
                       seconds={"copy": 0.1, "mutmut": 2.0, "total": 2.2}, mutmut_version="3.8.1", max_children=2,
                       cards=cards or {}, register_path=register_path)


def snapshot(root):
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def processes_in(folder):
    """Pids of processes whose working directory is inside folder (Linux /proc only)."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(folder) in os.readlink(entry / "cwd"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def alive(pid):
    """True while pid is a process that is not a zombie (Linux /proc)."""
    try:
        with open("/proc/%d/stat" % pid) as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def wait_until(condition, seconds=30.0):
    """Poll condition until it holds or the (generous) deadline passes; return its last value."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()

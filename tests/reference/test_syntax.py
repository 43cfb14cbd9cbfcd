"""reference/ stays valid Python 3.7 syntax (the seed's constraint), checked with vermin, every
file of it, those in its subfolders (the diagnoser's package) included."""
import pathlib
import subprocess
import sys

import reference

REFERENCE = pathlib.Path(reference.__file__).resolve().parent
VERMIN = [sys.executable, "-c", "import sys; from vermin.main import main; sys.exit(main())"]


def test_reference_needs_nothing_newer_than_python_3_7():
    files = sorted(str(p) for p in REFERENCE.rglob("*.py"))
    assert files
    result = subprocess.run(
        VERMIN + ["--target=3.7-", "--violations", "--no-tips", "--eval-annotations"] + files,
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_vermin_would_catch_a_newer_construct(tmp_path):
    """The syntax check can fail: a walrus operator (3.8) is reported."""
    newer = tmp_path / "newer.py"
    newer.write_text("if (n := 3) > 2:\n    print(n)\n")
    result = subprocess.run(
        VERMIN + ["--target=3.7-", "--violations", "--no-tips", str(newer)],
        capture_output=True, text=True)
    assert result.returncode != 0

"""docs/sandbox.md quotes the sandbox's limits: each number it states is the one in force."""
from katas import sandbox
from katas.evaluator import channel, isolation
from tests import ROOT

DOC = (ROOT / "docs" / "sandbox.md").read_text(encoding="utf-8")


def test_the_limits_the_page_states_are_the_code_s():
    claims = {
        "%d MiB of header" % (channel.MAX_HEADER // 2 ** 20): True,
        "%d MiB of arrays" % (channel.MAX_ARRAYS // 2 ** 20): True,
        "grace of %g s" % sandbox.GRACE: True,
        "%g s by default" % sandbox.DEFAULT_TIME_LIMIT: True,
        "+ %d GiB" % (sandbox.MEMORY_LIMIT // 2 ** 30): True,
        "files written (%d MiB)" % (sandbox.FILE_SIZE_LIMIT // 2 ** 20): True,
        "the user has + %d" % isolation.PROCESS_ALLOWANCE: True,
        "first %d KB of what it prints" % (sandbox.OUTPUT_CAP // 1024): True,
    }
    missing = [claim for claim in claims if claim not in DOC]
    assert not missing, missing


def test_the_page_names_test_files_that_exist():
    words = {word.strip("`:,") for word in DOC.split()}
    named = {word for word in words if word.startswith("tests/") and word.endswith(".py")}
    assert named and all((ROOT / name).is_file() for name in named), named

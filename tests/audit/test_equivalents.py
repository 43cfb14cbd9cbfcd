"""Every mutant the equivalence register calls equivalent is: its network computes bit-identical
loss, gradients and dX to the original's on adversarial problems (units exactly on the ReLU kink,
logits near 1e4 with wide spreads inside and across rows, a single example, two classes, reg > 0),
as well as on ordinary ones. The register's reasons argue it; this checks the claim."""
import numpy as np
import pytest

from katas.audit import equivalence
from katas.catalogue import load_module
from reference import problems

ENTRIES = equivalence.load_register()


def mutated(entry):
    """The entry's file with its before lines replaced by its after lines, loaded as a module."""
    text = (equivalence.REGISTER_PATH.parent.parent.parent / entry.file).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    before = [line.strip() for line in entry.before.splitlines()]
    for index in range(len(lines) - len(before) + 1):
        window = [line.split("#")[0].strip() for line in lines[index:index + len(before)]]
        if window == before:
            indent = lines[index][:len(lines[index]) - len(lines[index].lstrip())]
            new = [indent + line.strip() + "\n" for line in entry.after.splitlines()]
            source = "".join(lines[:index] + new + lines[index + len(before):])
            return load_module(source, "equivalent_%d" % entry.index, "<equivalent %d>" % entry.index)
    raise AssertionError("entry %d: its before lines are not in %s" % (entry.index, entry.file))


def adversarial(seed):
    """Problems of the two-layer network that stress every place a harmless-looking edit could show."""
    cases = []
    params, X, y = problems.toy_problem(8, 5, 6, 3, seed)
    cases.append((params, X, y))
    on_kink = {k: v.copy() for k, v in params.items()}
    on_kink["W1"][:, ::2] = 0.0
    on_kink["b1"][::2] = 0.0  # half the units exactly on the kink for every example, the others not
    cases.append((on_kink, X, y))
    huge = {k: v.copy() for k, v in params.items()}
    huge["W2"] = huge["W2"] * 3e3
    huge["b2"] = huge["b2"] * 3e3 + np.array([0.0, 5e3, -5e3])
    cases.append((huge, X, y))
    one, X1, y1 = problems.toy_problem(1, 5, 6, 2, seed)
    cases.append((one, X1, y1))
    zeros = {k: v.copy() for k, v in params.items()}
    zeros["b1"][:] = 0.0
    cases.append((zeros, np.zeros_like(X), y))  # every pre-activation exactly 0
    return cases


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.file == "reference/net.py"],
                         ids=lambda e: "%s:%s" % (e.function, e.after))
def test_a_registered_equivalent_is_bit_identical_on_adversarial_problems(entry):
    from reference import net
    mutant = mutated(entry)
    compared = 0
    for seed in range(3):
        for params, X, y in adversarial(seed):
            for reg in (0.0, 0.3):
                with np.errstate(all="ignore"):
                    expected = net.loss(params, X, y, reg, return_dX=True)
                    got = mutant.loss(params, X, y, reg, return_dX=True)
                assert np.array_equal(got[0], expected[0], equal_nan=True)
                for name in expected[1]:
                    assert np.array_equal(got[1][name], expected[1][name], equal_nan=True), name
                assert np.array_equal(got[2], expected[2], equal_nan=True)
                compared += 1
    assert compared == 30  # 3 seeds x 5 problems x 2 regs


def test_the_check_can_fail_on_a_mutant_that_is_not_equivalent():
    entry = equivalence.Entry(file="reference/net.py", function="relu_backward", before="dz = dh * (z > 0)",
                              after="dz = dh * (z >= 0)", reason="not equivalent", index=99)
    mutant = mutated(entry)
    from reference import net
    params, X, y = adversarial(0)[-1]  # every pre-activation exactly 0: ReLU'(0) decides
    assert not np.array_equal(mutant.loss(params, X, y)[1]["b1"], net.loss(params, X, y)[1]["b1"])

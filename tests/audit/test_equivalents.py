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


def network_adversarial(name, seed):
    """The same kinds of problems for another network, from its description in reference/networks/:
    its own problem, its last layer scaled to logits of thousands, a unit on the kink (a ReLU input
    exactly 0 on every example), and a single example."""
    from reference import networks
    network = networks.load(name, 2 if name == "mlp" else 1)
    params, X, y = network.problem(dict(network.base), seed)
    cases = [(params, X, y)]
    top, bias = network.top
    cases.append((dict(params, **{top: params[top] * 3e3, bias: params[bias] * 3e3}), X, y))
    kink = {k: v.copy() for k, v in params.items()}
    if name == "batchnorm_net":
        kink["gamma"][::2] = 0.0
        kink["beta"][::2] = 0.0
    elif name == "convnet":
        kink["W1"][::2] = 0.0
        kink["b1"][::2] = 0.0
    else:
        first = network.layers[0][1]
        kink[first[0]][..., ::2] = 0.0
        kink[first[-1]][::2] = 0.0
    cases.append((kink, X, y))
    one = dict(network.base, N=1)
    cases.append(network.problem(one, seed))
    return cases


def reference_of(entry):
    from reference import networks
    name = entry.file.split("/")[-1][:-3]
    return networks.load(name, 2 if name == "mlp" else 1)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: "%s:%s:%s" % (e.file.split("/")[-1], e.function, e.after))
def test_a_registered_equivalent_is_bit_identical_on_adversarial_problems(entry):
    reference = reference_of(entry)
    mutant = mutated(entry)
    compared = 0
    for seed in range(3):
        cases = adversarial(seed) if entry.file == "reference/net.py" else network_adversarial(reference.name, seed)
        for params, X, y in cases[:5]:
            for reg in (0.0, 0.3):
                with np.errstate(all="ignore"):
                    expected = reference.loss(params, X, y, reg, return_dX=True)
                    got = mutant.loss(params, X, y, reg, return_dX=True)
                assert np.array_equal(got[0], expected[0], equal_nan=True)
                for name in expected[1]:
                    assert np.array_equal(got[1][name], expected[1][name], equal_nan=True), name
                assert np.array_equal(got[2], expected[2], equal_nan=True)
                compared += 1
    assert compared >= 24  # 3 seeds x 4 or 5 problems x 2 regs


def test_the_check_can_fail_on_a_mutant_that_is_not_equivalent():
    entry = equivalence.Entry(file="reference/net.py", function="relu_backward", before="dz = dh * (z > 0)",
                              after="dz = dh * (z >= 0)", reason="not equivalent", index=99)
    mutant = mutated(entry)
    from reference import net
    params, X, y = adversarial(0)[-1]  # every pre-activation exactly 0: ReLU'(0) decides
    assert not np.array_equal(mutant.loss(params, X, y)[1]["b1"], net.loss(params, X, y)[1]["b1"])

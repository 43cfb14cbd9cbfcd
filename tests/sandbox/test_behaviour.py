"""The behaviour digest (katas.sandbox.behaviour): equal exactly when every result is bit-identical.

First the digest of plain values, as a table of pairs that must (or must not) hash alike; then
functions run in this process (the reference and small changes of it); then variants judged in
the sandbox, as `kata dev check` judges cards, compared by Verdict.same_kata.
"""
import hashlib

import numpy as np
import pytest

from katas import catalogue
from katas.catalogue import sandboxed
from katas.learner import katafile
from katas.sandbox import behaviour
from reference import net

LINE = "    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, 1), all exp <= 1\n"


def digest_of(value):
    digest = hashlib.sha256()
    behaviour.feed(digest, value)
    return digest.hexdigest()


# (first, second, same digest)
VALUES = [
    (1.5, np.float64(1.5), True),
    ({"W1": np.ones(2), "b1": np.zeros(2)}, {"b1": np.zeros(2), "W1": np.ones(2)}, True),
    (np.float64(1.0), np.ones((1, 1)), False),  # the same number, another shape
    (np.ones(3), np.ones(3, dtype=np.float32), False),
    (np.float64(0.1 + 0.2), np.float64(0.3), False),  # one bit apart
    ((1.0, {"W1": np.ones(2)}), [1.0, {"W1": np.ones(2)}], True),
    ((1.0, {"W1": np.ones(2)}), (1.0, {"W1": np.ones(2)}, np.zeros(1)), False),
    ({"W1": np.ones(2)}, {"W2": np.ones(2)}, False),
]


@pytest.mark.parametrize("first, second, same", VALUES)
def test_the_digest_sees_structure_keys_dtype_shape_and_bits(first, second, same):
    assert (digest_of(first) == digest_of(second)) is same


def scaled_loss(factor):
    def loss(params, X, y, reg=0.0, return_dX=False):
        out = net.loss(params, X, y, reg, return_dX)
        grads = {k: v * factor for k, v in out[1].items()}
        return (out[0], grads) + tuple(out[2:])
    return loss


def test_a_function_that_computes_the_same_numbers_has_the_same_digest():
    assert behaviour.fingerprint(net.loss) == behaviour.fingerprint(scaled_loss(1.0))
    assert behaviour.fingerprint(net.loss) != behaviour.fingerprint(scaled_loss(2.0))


def test_the_reg_problems_are_part_of_the_digest():
    def loss_without_reg_gradient(params, X, y, reg=0.0, return_dX=False):
        """The reference's loss with the gradients of reg = 0: wrong only when reg > 0."""
        return (net.loss(params, X, y, reg)[0],) + net.loss(params, X, y, 0.0, return_dX)[1:]

    assert behaviour.fingerprint(net.loss) != behaviour.fingerprint(loss_without_reg_gradient)


def test_an_exception_is_part_of_the_behaviour():
    def raises_type_error(*args, **kwargs):
        raise TypeError("no")

    def raises_value_error(*args, **kwargs):
        raise ValueError("no")

    assert behaviour.fingerprint(raises_type_error) == behaviour.fingerprint(raises_type_error)
    assert behaviour.fingerprint(raises_type_error) != behaviour.fingerprint(raises_value_error)


def judged(*sources):
    jobs = [sandboxed.Job(katafile.standalone(s), "variant-%d.py" % i, behaviour=True) for i, s in enumerate(sources)]
    return list(sandboxed.judge_all(jobs))


def test_the_sandbox_brings_back_the_digest_and_same_kata_compares_it():
    source = catalogue.reference_source("net")
    batch_sum = source.replace(LINE, "    log_norm = np.log(np.exp(shifted).sum())\n")
    keepdims = source.replace(LINE, "    log_norm = np.log(np.exp(shifted).sum(axis=None, keepdims=True))\n")
    doubled = source.replace(LINE, "    log_norm = np.log(2 * np.exp(shifted).sum(axis=1, keepdims=True))\n")
    assert len({source, batch_sum, keepdims, doubled}) == 4
    reference, first, second, other = judged(source, batch_sum, keepdims, doubled)
    assert first.behaviour is not None and first.signature == second.signature == "mixed"
    assert first.same_kata(second) and second.same_kata(first)
    assert other.signature == "mixed" and not first.same_kata(other)
    assert not first.same_kata(reference)


def test_a_check_without_behaviour_brings_no_digest_and_is_no_duplicate():
    source = catalogue.reference_source("net")
    verdict = sandboxed.judge_source(katafile.standalone(source), "reference.py")
    assert verdict.green and verdict.behaviour is None and not verdict.same_kata(verdict)

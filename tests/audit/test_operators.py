"""The domain operators, table-driven as mutmut's own tests are: a source, an operator, and the
exact mutants it must make (the changed text), or none."""
import ast
import pathlib

import pytest

from katas.audit import operators

CASES = [
    ("drop_transpose", "def f(x, w):\n    return x @ w.T\n", ["return x @ w"]),
    ("add_transpose", "def f(x, w):\n    return x @ w\n", ["return x.T @ w", "return x @ w.T"]),
    ("swap_matmul_operands", "def f(x, w):\n    return x.T @ w\n", ["return w @ x.T"]),
    ("swap_axis", "def f(d):\n    return d.sum(axis=0)\n", ["return d.sum(axis=1)", "return d.sum(axis=-1)"]),
    ("swap_axis", "def f(d):\n    return d.sum(axis=(0, 2, 3))\n", ["return d.sum(axis=(1, 2, 3))"]),
    ("swap_axis", "def f(d):\n    return d.sum(axis=(0, 1))\n", []),  # 0 <-> 1: the same axes
    ("toggle_keepdims", "def f(s):\n    return s.max(axis=1, keepdims=True)\n",
     ["return s.max(axis=1, keepdims=False)"]),
    ("toggle_keepdims", "def f(d):\n    return d.sum(axis=0)\n", ["return d.sum(axis=0, keepdims=True)"]),
    ("toggle_keepdims", "def f(d):\n    return d.sum()\n", []),  # no axis: nothing to keep
    ("swap_cached_value", "def g_backward(dout, cache):\n    x, w = cache\n    return dout @ w.T\n",
     ["return dout @ x.T", "return dout @ dout.T"]),
    ("swap_cached_value", "def g_forward(z):\n    h = z * 2\n    cache = z\n    return h, cache\n",
     ["cache = h"]),
    ("swap_upstream", "def loss(a, b):\n    dscores = a\n    dh = a_backward(dscores, b)\n    dz = b_backward(dh, b)\n"
     "    return dz\n", ["dz = b_backward(dscores, b)", "return dscores", "return dh"]),
    ("drop_batch_division", "def f(p, N):\n    p /= N\n    return p\n", ["pass"]),
    ("drop_batch_division", "def f(p, x):\n    return p / x.shape[0]\n", ["return p"]),
    ("drop_max_shift", "def f(s):\n    return s - s.max(axis=1, keepdims=True)\n", ["return s"]),
    ("drop_max_shift", "def f(s, t):\n    return s - t.max(axis=1, keepdims=True)\n", []),  # not its own max
    ("relax_mask", "def f(dh, z):\n    return dh * (z > 0)\n", ["return dh * (z >= 0)"]),
    ("drop_reg_term", "def f(dW, reg, W):\n    return dW + reg * W\n", ["return dW"]),
    ("drop_reg_term", "def f(reg, W):\n    penalty = 0.5 * reg * (W * W).sum()\n    return penalty\n",
     ["penalty = 0.0"]),
    ("swap_grad_keys", "def f(a, b):\n    return {'W': a, 'b': b}\n", ["return {'W': b, 'b': a}"]),
    ("mean_for_sum", "def f(d):\n    return d.sum(axis=0)\n", ["return d.mean(axis=0)"]),
    ("sum_for_mean", "def f(d):\n    return d.mean()\n", ["return d.sum()"]),
    ("drop_accumulation", "def f(d, e):\n    d += e\n    return d\n", ["d = e"]),
    ("swap_layer_index", "def f(W1, W2):\n    return W1 + W2\n", ["return W2 + W2", "return W1 + W1"]),
    ("drop_mask", "def f(dh, z):\n    return dh * (z > 0)\n", ["return dh"]),
    ("drop_bias", "def f(x, w, b):\n    return x @ w + b\n", ["return x @ w"]),
    ("drop_onehot", "def f(p, r, y):\n    p[r, y] -= 1.0\n    return p\n", ["pass"]),
    ("flip_sign", "def f(p):\n    return -p.mean()\n", ["return p.mean()"]),
    ("drop_reg_half", "def f(reg, s):\n    return 0.5 * reg * s\n", ["return reg * s"]),
]


def changed_line(original, mutated):
    """The one line that differs, stripped."""
    pairs = [(a, b) for a, b in zip(original.splitlines(), mutated.splitlines(), strict=False) if a != b]
    assert len(original.splitlines()) == len(mutated.splitlines()) and len(pairs) == 1, (original, mutated)
    return pairs[0][1].strip()


@pytest.mark.parametrize("name, source, expected", CASES, ids=["%s-%d" % (c[0], i) for i, c in enumerate(CASES)])
def test_each_operator_makes_exactly_the_expected_mutants(name, source, expected):
    found = operators.mutations(source, {name: operators.OPERATORS[name]})
    assert sorted(changed_line(source, m.source) for m in found) == sorted(expected)
    for mutation in found:
        assert mutation.operator == name and mutation.function in ("f", "g_backward", "g_forward", "loss")
        ast.parse(mutation.source)


def test_every_operator_has_a_case_and_a_one_line_docstring():
    assert {c[0] for c in CASES} == set(operators.OPERATORS)
    for operator in operators.OPERATORS.values():
        assert operator.__doc__ and operator.__doc__.strip()


def test_module_level_code_is_never_mutated_and_the_rest_of_the_file_stays_byte_for_byte():
    source = "X = a @ b.T\n\n\ndef f(x, w):  # a comment\n    return x @ w.T  # keep me\n"
    found = operators.mutations(source)
    assert found and all(m.source.startswith("X = a @ b.T\n") for m in found)
    dropped = [m for m in found if m.operator == "drop_transpose"]
    assert [m.source for m in dropped] == ["X = a @ b.T\n\n\ndef f(x, w):  # a comment\n    return x @ w  # keep me\n"]


def test_the_two_layer_network_has_over_a_hundred_distinct_domain_mutants():
    text = (pathlib.Path(__file__).resolve().parents[2] / "reference" / "net.py").read_text(encoding="utf-8")
    found = operators.mutations(text)
    assert len(found) >= 100 and len({m.source for m in found}) == len(found)
    assert {"drop_transpose", "add_transpose", "swap_matmul_operands", "swap_cached_value", "swap_upstream",
            "drop_batch_division", "drop_max_shift", "relax_mask"} <= {m.operator for m in found}

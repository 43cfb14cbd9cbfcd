"""What a network file computes, as one digest: its loss, gradients and dX on the probe problems.

What it is for: telling apart two variants whose code differs but whose results do not
(`.sum(axis=None, keepdims=True)` where another has `.sum()`): `kata dev check` and `kata dev
promote` compare the digests of two variants with the same diagnosis to find a duplicate kata.
fingerprint() calls the file's loss on the diagnoser's problems at the network's base sizes
(reference.networks: load(name).problem(base, seed)) for a few seeds, at reg = 0 and at the reg
probe's reg, with and without return_dX, and hashes exactly what comes back: the structure, the
keys, each array's dtype, shape and bytes, or the name of the exception raised. Two digests are
equal only when every result is bit-identical.
What it is not for: judging a file (reference.diagnose does), or running the file: the judge
passes a katas.sandbox.remote.RemoteLoss, so the file's code runs in its learner process.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from reference import networks
from reference.diagnose import REG

# The problems' seeds: a few draws, so that a difference no single draw shows is still seen.
SEEDS = (0, 1, 2)
REGS = (0.0, REG)


def fingerprint(loss: Callable[..., Any], network: str = "net", hidden_layers: int = 1) -> str:
    """The hex digest of what loss returns (or raises) on every probe problem; see the module docstring.

    An exception of loss is part of the behaviour (its type's name); a KeyboardInterrupt (the
    sandbox's Stopped: a hang, an exit) is not caught.
    """
    reference = networks.load(network, hidden_layers)
    digest = hashlib.sha256()
    for seed in SEEDS:
        params, X, y = reference.problem(reference.base, seed)
        for reg in REGS:
            for extra in ({}, {"return_dX": True}):
                digest.update(b"call")
                try:
                    out = loss({k: v.copy() for k, v in params.items()}, X.copy(), y.copy(), reg, **extra)
                except Exception as exc:  # noqa: BLE001 - what the code raises is what it does
                    digest.update(b"raised " + type(exc).__name__.encode("utf-8", "replace"))
                    continue
                feed(digest, out)
    return digest.hexdigest()


def feed(digest: Any, value: Any) -> None:
    """Add value to digest: sequences item by item, dicts by sorted key, numbers and arrays by
    dtype, shape and bytes, anything else by its type's name."""
    if isinstance(value, (tuple, list)):
        digest.update(b"seq %d" % len(value))
        for item in value:
            feed(digest, item)
    elif isinstance(value, dict):
        digest.update(b"dict %d" % len(value))
        for key in sorted(value, key=repr):
            digest.update(b"key " + repr(key).encode("utf-8", "replace"))
            feed(digest, value[key])
    elif isinstance(value, (np.ndarray, np.generic, int, float, bool)) and not isinstance(value, np.object_):
        array = np.asarray(value)
        if array.dtype.hasobject:
            digest.update(b"objects")
            return
        digest.update(("array %s %s " % (array.dtype.str, array.shape)).encode("ascii"))
        digest.update(np.ascontiguousarray(array).tobytes())
    else:
        digest.update(b"other " + type(value).__name__.encode("utf-8", "replace"))

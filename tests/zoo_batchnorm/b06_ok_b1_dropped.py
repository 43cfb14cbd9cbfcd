"""Looks like a bug: the forward never adds b1 and db1 is returned as zeros. It is not one: the batch mean
subtracts any per-unit constant, so the loss does not depend on b1 and its exact gradient is zero."""
# bug: none (equivalent change); the loss is the reference's to round-off for every b1 and db1 = 0 matches
# the central difference within round-off; every other gradient matches.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    N = len(y)
    z = X @ params["W1"]  # b1 is cancelled by the batch mean below, so it is left out
    zc = z - z.mean(axis=0)
    istd = 1.0 / np.sqrt(np.mean(zc ** 2, axis=0) + 1e-5)
    xh = zc * istd
    out = params["gamma"] * xh + params["beta"]
    mask = out > 0
    a = out * mask
    logits = a @ params["W2"] + params["b2"]
    logits = logits - logits.max(axis=1)[:, None]
    lse = np.log(np.sum(np.exp(logits), axis=1))
    L = np.mean(lse - logits[np.arange(N), y])
    L += 0.5 * reg * sum(np.sum(params[k] ** 2) for k in ("W1", "W2"))
    p = np.exp(logits - lse[:, None])
    p[np.arange(N), y] -= 1
    p /= N
    da = p @ params["W2"].T
    dout = da * mask
    dxh = dout * params["gamma"]
    dz = istd * (dxh - dxh.mean(axis=0) - xh * np.mean(dxh * xh, axis=0))
    return L, {
        "W1": X.T @ dz + reg * params["W1"],
        "b1": np.zeros_like(params["b1"]),
        "gamma": np.sum(dout * xh, axis=0),
        "beta": np.sum(dout, axis=0),
        "W2": a.T @ p + reg * params["W2"],
        "b2": np.sum(p, axis=0),
    }

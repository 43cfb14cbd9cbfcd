"""Normalizes each example over its hidden units (mean and variance along axis=1, keepdims) instead of
each unit over the batch: layer normalization, with a backward that is correct for it."""
# bug: the forward is a different network (the loss is not the reference's, and db1 is no longer zero);
# the gradients are the exact derivatives of that loss (all match its central differences).
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    W1, W2 = params["W1"], params["W2"]
    N, H = X.shape[0], W1.shape[1]  # noqa: F841 - H kept for the reader
    z = X @ W1 + params["b1"]
    mu = z.mean(axis=1, keepdims=True)
    var = z.var(axis=1, keepdims=True)
    rs = 1.0 / np.sqrt(var + 1e-5)
    xhat = (z - mu) * rs
    bn = params["gamma"] * xhat + params["beta"]
    h = np.maximum(bn, 0)
    out = h @ W2 + params["b2"]
    out = out - out.max(axis=1, keepdims=True)
    logp = out - np.log(np.exp(out).sum(axis=1, keepdims=True))
    L = -logp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dout = np.exp(logp)
    dout[np.arange(N), y] -= 1
    dout /= N
    dbn = dout @ W2.T * (bn > 0)
    dxhat = dbn * params["gamma"]
    dz = rs * (dxhat - dxhat.mean(axis=1, keepdims=True) - xhat * (dxhat * xhat).mean(axis=1, keepdims=True))
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(axis=0), "gamma": (dbn * xhat).sum(axis=0),
               "beta": dbn.sum(axis=0), "W2": h.T @ dout + reg * W2, "b2": dout.sum(axis=0)}

"""Gradient dict made with params.copy() (shallow), then filled in place, so grads overwrite the params."""
import numpy as np

# Bug: grads = params.copy() shares the arrays, so writing grads[k][...] overwrites the caller's parameters.
EXPECTED = {"signature": "mutates_input"}


def loss(params, X, y, reg=0.0):
    grads = params.copy()
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    L = np.mean(lse - s[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = np.exp(s - lse[:, None])
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * (z > 0)
    grads["W2"][...] = h.T @ ds + reg * W2
    grads["b2"][...] = ds.sum(axis=0)
    grads["W1"][...] = X.T @ dz + reg * W1
    grads["b1"][...] = dz.sum(axis=0)
    return L, grads

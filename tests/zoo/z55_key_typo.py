"""Reads the second-layer bias under a misspelled key, params["B2"]."""
import numpy as np

# Bug: params["B2"] raises KeyError (the key is "b2").
EXPECTED = {"signature": "crash"}


def loss(params, X, y, reg=0.0):
    W1, b1 = params["W1"], params["b1"]
    W2, b2 = params["W2"], params["B2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    L = np.mean(lse - s[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    ds = np.exp(s - lse[:, None])
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz1 = (ds @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(0), "W2": h1.T @ ds + reg * W2, "b2": ds.sum(0)}

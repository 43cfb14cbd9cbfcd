"""Output bias gradient summed with keepdims=True, leaving it as a (1, C) row."""
import numpy as np

# Bug: db2 = dscores.sum(axis=0, keepdims=True) has shape (1, C) instead of (C,).
EXPECTED = {"signature": "shape_error", "params": ["b2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = np.mean(lse[:, 0] - s[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = np.exp(s - lse)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dW2 = h1.T @ ds + reg * W2
    db2 = ds.sum(axis=0, keepdims=True)
    dz1 = (ds @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

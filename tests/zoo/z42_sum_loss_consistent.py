"""Summed (not averaged) cross-entropy, with gradients derived consistently for the sum."""
import numpy as np

# Bug: the data loss is the batch sum instead of the mean; the gradients are the true gradients of that sum.
EXPECTED = {"signature": "loss_mismatch"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    rows = np.arange(X.shape[0])
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    L = np.sum(lse - s[rows, y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = np.exp(s - lse[:, None])
    ds[rows, y] -= 1.0
    dW2 = h1.T @ ds + reg * W2
    db2 = ds.sum(axis=0)
    dz1 = (ds @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

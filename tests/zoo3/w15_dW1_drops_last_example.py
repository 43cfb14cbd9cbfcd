"""Two-layer net whose dW1 is computed from X[:-1] and dz1[:-1], silently dropping the last example."""
# bug: an off-by-one slice in the first-layer weight gradient only; db1, dW2, db2 use every row.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -np.mean(log_probs[rows, y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(log_probs)
    d[rows, y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    dW1 = X[:-1].T @ dz1[:-1]  # BUG: should be X.T @ dz1
    return L, {"W1": dW1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

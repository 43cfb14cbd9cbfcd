"""Two-layer net whose dW2 is computed as dscores.T @ h1, shape (C, H) instead of (H, C)."""
# bug: the transpose of the right matrix is returned for W2; W1, b1, b2 are right.
import numpy as np

EXPECTED = {"signature": "shape_error", "params": ["W2"]}


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
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": d.T @ h1 + reg * W2.T, "b2": d.sum(axis=0)}  # BUG: (C, H)

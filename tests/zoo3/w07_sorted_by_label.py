"""Two-layer net that first sorts the batch by label, reordering X and y together (copies)."""
# correct: the mean loss and every gradient sum are invariant to a consistent row permutation.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    order = np.argsort(y, kind="stable")
    Xs = X[order]          # fancy indexing: a copy, X itself untouched
    ys = y[order]
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = Xs.shape[0]
    z1 = Xs @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    rows = np.arange(N)
    L = -np.mean(log_probs[rows, ys]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(log_probs)
    d[rows, ys] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": Xs.T @ dz1 + reg * W1, "b1": dz1.sum(0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(0)}

"""Two-layer softmax loss that sorts y in place to get class counts for db2 after the backward."""
# Bug: y.sort() reorders the caller's labels. Every value returned is correct (the one-hot
# was built before the sort, and counts do not depend on order), only y is modified.
import numpy as np

EXPECTED = {"signature": "mutates_input", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), y].mean()
    p = np.exp(logp)
    ds = p.copy()
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * (z > 0)
    y.sort()  # in place on the caller's labels
    edges = np.searchsorted(y, np.arange(C + 1))
    counts = np.diff(edges)
    db2 = (p.sum(axis=0) - counts) / N
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": db2,
    }

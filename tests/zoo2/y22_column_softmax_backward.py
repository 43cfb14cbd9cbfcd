"""Two-layer softmax loss whose backward normalizes the softmax over the batch axis (axis=0)."""
# Bug: p is normalized down the columns (over examples) in the backward only; the loss uses
# the row softmax. Shapes stay (N, C); every gradient is wrong, no common factor.
import numpy as np

EXPECTED = {"signature": "mixed", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    rowmax = scores.max(axis=1, keepdims=True)
    data_loss = np.mean(
        np.log(np.exp(scores - rowmax).sum(axis=1)) - (scores - rowmax)[np.arange(N), y]
    )
    e = np.exp(scores - scores.max(axis=0, keepdims=True))
    p = e / e.sum(axis=0, keepdims=True)  # normalized over the wrong axis
    p[np.arange(N), y] -= 1.0
    ds = p / N
    dz = (ds @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }

"""Two-layer net that looks its parameters up under lowercase keys ("w1", "b1", "w2", "b2")."""
# bug: params["w1"] raises KeyError on every call (a non-shape error); the rest is the reference.
import numpy as np

EXPECTED = {"signature": "crash"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["w1"], params["b1"], params["w2"], params["b2"]  # BUG: keys are "W1", "W2"
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
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

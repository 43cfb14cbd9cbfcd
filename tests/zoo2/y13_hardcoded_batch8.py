"""Two-layer softmax loss that divides the backward by a hard-coded batch size of 8."""
# Bug: BATCH = 8 instead of N in the backward. Exact at N = 8; at N = 13 every gradient is
# 13/8 times too large at reg = 0 (one common factor), not uniform at reg > 0.
import numpy as np

EXPECTED = {"signature": "uniform_scale", "params": []}

BATCH = 8


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -np.sum(log_probs[rows, y]) / N
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    dscores /= BATCH
    dz = (dscores @ W2.T) * (z > 0)
    grads = {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ dscores + reg * W2,
        "b2": dscores.sum(axis=0),
    }
    return data_loss + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2)), grads

"""Two-layer net whose forward pass never adds b1, with a backward pass written for z1 = X W1 + b1."""
# bug: z1 = X @ W1 (b1 forgotten), so the loss does not depend on b1 at all, yet db1 = sum of dz1.
# With b1 unused, biases of -1000 do not kill any hidden unit.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]  # noqa: F841 - BUG: b1 never used
    N = X.shape[0]
    z1 = X @ W1  # BUG: + b1 missing
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -np.mean(log_probs[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dz1 = (dscores @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ dscores + reg * W2, "b2": dscores.sum(axis=0)}

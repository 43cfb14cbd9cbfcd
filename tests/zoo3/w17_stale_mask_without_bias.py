"""Two-layer net whose ReLU mask comes from a stale pre-activation computed before b1 was added."""
# bug: the backward masks with (X @ W1 > 0), a z1 from an earlier forward without the bias, instead of
# the z1 actually used; dW2 and db2 are right, dW1 and db1 disagree with the own loss.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1_stale = X @ W1          # first draft of the forward, kept for the mask
    z1 = z1_stale + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -np.mean(log_probs[rows, y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(log_probs)
    d[rows, y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1_stale > 0)  # BUG: stale mask
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

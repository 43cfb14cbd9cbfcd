"""Two-layer net whose loss divides by N + 1e-5 (a guard against N = 0) while its gradient divides by N."""
# bug: the loss is the true one times N / (N + 1e-5), a hair below 1, so every gradient (the exact
# (probs - onehot) / N) is the loss's own slope times (N + 1e-5) / N: one common factor within 1e-5
# of 1. The gradients are right; the loss value is what is off.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    n = X.shape[0]
    pre = X.dot(params["W1"]) + params["b1"]
    act = np.maximum(pre, 0)
    out = act.dot(params["W2"]) + params["b2"]
    top = out.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(out - top).sum(axis=1))
    data = np.sum(lse - out[np.arange(n), y]) / (n + 1e-5)  # BUG: the guard changes the mean
    total = data + 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    p = np.exp(out - lse[:, None])
    p[np.arange(n), y] -= 1
    p /= n
    dpre = p.dot(params["W2"].T) * (pre > 0)
    return total, {"W1": X.T.dot(dpre) + reg * params["W1"], "b1": dpre.sum(0),
                   "W2": act.T.dot(p) + reg * params["W2"], "b2": p.sum(0)}

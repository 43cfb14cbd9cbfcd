"""Two-layer net with two bugs: dscores is not divided by N, and no penalty gradient is added."""
# bugs: every gradient is N times the truth (reg = 0), and at reg > 0 the weights also miss reg * W,
# a second error that the first does not explain.
import numpy as np

EXPECTED = {"signature": "uniform_scale", "params": ["W1", "b1", "W2", "b2"],
            "findings": [["uniform_scale", ["W1", "b1", "W2", "b2"]], ["reg_only", ["W1", "W2"]]]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -np.mean(log_probs[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(log_probs)
    d[np.arange(N), y] -= 1.0  # BUG 1: no d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": h1.T @ d, "b2": d.sum(axis=0)}  # BUG 2: no reg * W

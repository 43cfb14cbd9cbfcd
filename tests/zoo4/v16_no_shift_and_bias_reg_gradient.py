"""Two-layer net with two bugs: no max shift in the softmax, and a penalty gradient on the biases."""
# bugs: exp(scores) overflows for large logits (nonfinite), and db1, db2 get reg * b although the
# loss does not penalize the biases (visible at reg > 0 only).
import numpy as np

EXPECTED = {"signature": "nonfinite", "params": ["W1", "b1", "W2", "b2"],
            "findings": [["nonfinite", ["W1", "b1", "W2", "b2"]], ["reg_only", ["b1", "b2"]]]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    e = np.exp(scores)  # BUG 1: no max subtraction
    total = e.sum(axis=1)
    L = np.mean(np.log(total) - scores[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = e / total[:, None]
    d[np.arange(N), y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0) + reg * b1,  # BUG 2: reg * b1, reg * b2
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0) + reg * b2}

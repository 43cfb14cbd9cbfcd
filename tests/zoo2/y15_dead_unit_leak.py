"""Two-layer softmax loss whose ReLU backward lets gradient through far-negative (dead) units."""
# Bug: mask = (z > 0) | (z < -6): units pushed far below zero pass gradient as if linear.
# Only the dead-unit probe has such z; there dW1 and db1 disagree (dW2 uses h, which is 0).
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), y].mean()
    d = np.exp(logp)
    d[np.arange(N), y] -= 1.0
    d /= N
    mask = (z > 0) | (z < -6.0)  # "saturated units recover" -- wrong for a ReLU
    dz = (d @ W2.T) * mask
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ d + reg * W2,
        "b2": d.sum(axis=0),
    }

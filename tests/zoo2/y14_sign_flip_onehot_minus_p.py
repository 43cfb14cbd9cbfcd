"""Two-layer softmax loss whose dscores is written as (onehot - p) / N."""
# Bug: the sign of dscores is flipped (Y - P instead of P - Y); the penalty gradient keeps its
# + sign. At reg = 0 every gradient is exactly -1 times the true one.
import numpy as np

EXPECTED = {"signature": "uniform_scale", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    m = scores.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(scores - m).sum(axis=1))
    data_loss = np.mean(lse - scores[np.arange(N), y])
    P = np.exp(scores - lse[:, None])
    Y = np.eye(C)[y]
    G = (Y - P) / N
    dz = G @ W2.T * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ G + reg * W2,
        "b2": G.sum(axis=0),
    }

"""Two-layer net that builds its one-hot targets as np.eye(C)[:, y], a (C, N) matrix."""
# bug: y used as one-hot column indices gives the transpose of the target matrix; multiplying it with the
# (N, C) log-probabilities raises a broadcast ValueError whenever N != C.
import numpy as np

EXPECTED = {"signature": "shape_error"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    C = W2.shape[1]
    onehot = np.eye(C)[:, y]  # BUG: (C, N), should be np.eye(C)[y]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -np.sum(onehot * log_probs) / N + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = (np.exp(log_probs) - onehot) / N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

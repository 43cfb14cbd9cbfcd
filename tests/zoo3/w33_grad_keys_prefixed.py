"""Two-layer net that names its gradients dW1, db1, dW2, db2 instead of the parameter names."""
# bug: wrong return structure (the grads dict keys do not match params); the values are right.
import numpy as np

EXPECTED = {"signature": "crash"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
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
    return L, {"dW1": X.T @ dz1 + reg * W1, "db1": dz1.sum(axis=0),  # BUG: key names
               "dW2": h1.T @ d + reg * W2, "db2": d.sum(axis=0)}

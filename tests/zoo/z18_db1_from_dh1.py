"""First-layer bias gradient summed from the upstream dh1 instead of the masked dz1."""
import numpy as np

# Bug: db1 = dh1.sum(0) skips the ReLU mask, so only b1's gradient is wrong.
EXPECTED = {"signature": "localized", "params": ["b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    L = -np.mean(log_probs[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dW2 = h1.T @ dscores + reg * W2
    db2 = dscores.sum(axis=0)
    dh1 = dscores @ W2.T
    dz1 = dh1 * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dh1.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

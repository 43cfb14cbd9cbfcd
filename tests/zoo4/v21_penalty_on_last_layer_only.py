"""Two-layer net that regularizes only the output weights W2, in the loss and in the gradient."""
# bug (consistent): (reg / 2) * ||W2||^2 and reg * W2; W1's penalty is missing from both.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -np.mean(log_probs[np.arange(N), y]) + 0.5 * reg * np.sum(W2 * W2)  # BUG: W1 not penalized
    d = np.exp(log_probs)
    d[np.arange(N), y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

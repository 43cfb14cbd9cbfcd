"""Two-layer net that accepts reg but applies no penalty at all, in the loss or in the gradients."""
# bug: reg is ignored; the loss and gradients agree with each other (a plain unregularized network),
# so only the loss value at reg > 0 shows that the penalty is missing.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    a = np.maximum(z, 0.0)
    s = a @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1, keepdims=True))
    value = -np.mean((s - lse)[np.arange(N), y])  # BUG: no penalty term
    g = np.exp(s - lse)
    g[np.arange(N), y] -= 1.0
    g /= N
    gz = (g @ W2.T) * (z > 0)
    return value, {"W1": X.T @ gz, "b1": gz.sum(axis=0), "W2": a.T @ g, "b2": g.sum(axis=0)}

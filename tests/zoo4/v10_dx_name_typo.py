"""Two-layer net whose return_dX branch refers to a variable that does not exist."""
# bug: the branch returns `dx`, but the input gradient was never computed under that name;
# every call without return_dX=True works.
import numpy as np

EXPECTED = {"signature": "crash"}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -np.mean(log_probs[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(log_probs)
    d[np.arange(N), y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    grads = {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0), "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}
    if return_dX:
        return L, grads, dx  # noqa: F821  BUG: never defined
    return L, grads

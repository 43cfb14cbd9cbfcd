"""Two-layer net that silences a shape complaint about dX with a reshape instead of a transpose."""
# bug: (W1 @ dz1.T) is (D, N); reshape(X.shape) makes it (N, D) but scrambles the entries
# (a reshape is not a transpose), so the shape is right and the values are wrong.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["X"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    keep = z1 > 0
    h1 = np.where(keep, z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    norm = np.exp(shifted).sum(axis=1)
    value = np.mean(np.log(norm) - shifted[np.arange(N), y])
    value += reg * 0.5 * (np.sum(W1 * W1) + np.sum(W2 * W2))
    g = np.exp(shifted) / norm[:, None]
    g[np.arange(N), y] -= 1.0
    g /= N
    gz = (g @ W2.T) * keep
    grads = {"W1": X.T @ gz + reg * W1, "b1": gz.sum(axis=0), "W2": h1.T @ g + reg * W2, "b2": g.sum(axis=0)}
    if return_dX:
        dX = (W1 @ gz.T).reshape(X.shape)  # BUG: reshape where .T was needed
        return value, grads, dX
    return value, grads

"""Label-smoothed cross-entropy (eps = 0.1) with its matching gradient p - smoothed target."""
import numpy as np

# Bug: label smoothing changes the loss from plain cross-entropy; the gradients are consistent with the smoothed loss.
EXPECTED = {"signature": "loss_mismatch"}

EPS = 0.1


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    target = np.full((N, C), EPS / C)
    target[np.arange(N), y] += 1.0 - EPS
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -np.sum(target * logp) / N + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = (np.exp(logp) - target) / N
    dz = (ds @ W2.T) * (z > 0)
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(axis=0),
               "W2": h.T @ ds + reg * W2, "b2": ds.sum(axis=0)}

"""ReLU forward as z * (z > 0) and backward as a float mask multiply."""
import numpy as np

# Correct.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    mask = (z > 0).astype(np.float64)
    h = z * mask
    s = h @ W2 + b2
    smax = s.max(axis=1)
    t = s - smax[:, None]
    logsum = np.log(np.exp(t).sum(axis=1))
    L = np.mean(logsum - t[np.arange(N), y])
    L = L + reg * 0.5 * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = np.exp(t - logsum[:, None])
    ds[np.arange(N), y] -= 1.0
    ds = ds / N
    dh = ds @ W2.T
    dz = dh * mask
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(0),
               "W2": h.T @ ds + reg * W2, "b2": ds.sum(0)}

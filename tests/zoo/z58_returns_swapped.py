"""Returns (grads, loss) instead of (loss, grads)."""
import numpy as np

# Bug: the two return values are in the wrong order.
EXPECTED = {"signature": "crash"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = np.dot(X, W1) + b1
    h1 = np.maximum(z1, 0)
    s = np.dot(h1, W2) + b2
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -logp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1
    ds /= N
    dz1 = np.dot(ds, W2.T) * (z1 > 0)
    grads = {"W1": np.dot(X.T, dz1) + reg * W1, "b1": dz1.sum(axis=0),
             "W2": np.dot(h1.T, ds) + reg * W2, "b2": ds.sum(axis=0)}
    return grads, L

"""Softmax shifts each row by its minimum instead of its maximum (min/max slip)."""
import numpy as np

# Bug: s - s.min(axis=1) leaves exponents as large as the row's logit spread, so exp overflows to inf and nan.
EXPECTED = {"signature": "nonfinite"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = np.einsum("nd,dh->nh", X, W1) + b1
    h = np.maximum(z, 0.0)
    s = np.einsum("nh,hc->nc", h, W2) + b2
    t = s - s.min(axis=1, keepdims=True)
    e = np.exp(t)
    tot = e.sum(axis=1, keepdims=True)
    L = np.mean(np.log(tot[:, 0]) - t[np.arange(N), y])
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = e / tot
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * (z > 0)
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(axis=0),
               "W2": h.T @ ds + reg * W2, "b2": ds.sum(axis=0)}

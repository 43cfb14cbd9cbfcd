"""Normalises dscores by X.shape[1] (the input dimension) where the batch size was meant."""
import numpy as np

# Bug: dscores is divided by D instead of N, so every gradient is scaled by N / D (reg=0).
EXPECTED = {"signature": "uniform_scale"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    batch_size = X.shape[0]
    n_features = X.shape[1]
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    L = (lse - s[np.arange(batch_size), y]).sum() / batch_size
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    probs = np.exp(s - lse[:, None])
    probs[np.arange(batch_size), y] -= 1
    dscores = probs / n_features
    dW2 = h.T @ dscores + reg * W2
    db2 = dscores.sum(axis=0)
    dz = (dscores @ W2.T) * (z > 0)
    dW1 = X.T @ dz + reg * W1
    db1 = dz.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

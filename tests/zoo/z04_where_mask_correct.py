"""ReLU forward and backward both written with np.where masks."""
import numpy as np

# Correct.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.where(z1 > 0, z1, 0.0)
    z2 = h1 @ W2 + b2
    shifted = z2 - z2.max(axis=1, keepdims=True)
    expd = np.exp(shifted)
    denom = expd.sum(axis=1, keepdims=True)
    logp = shifted - np.log(denom)
    L = -logp[np.arange(N), y].mean() + 0.5 * reg * ((W1 * W1).sum() + (W2 * W2).sum())

    dz2 = expd / denom
    dz2[np.arange(N), y] -= 1
    dz2 = dz2 / N
    dW2 = h1.T @ dz2 + reg * W2
    db2 = dz2.sum(axis=0)
    dh1 = dz2 @ W2.T
    dz1 = np.where(z1 > 0, dh1, 0.0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return L, dict(W1=dW1, b1=db1, W2=dW2, b2=db2)

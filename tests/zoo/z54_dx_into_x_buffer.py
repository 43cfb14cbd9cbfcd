"""Computes dL/dX and stores it into the X buffer to save memory, after dW1 has been formed."""
import numpy as np

# Bug: X[...] = dz1 @ W1.T overwrites the caller's input batch; loss and parameter gradients are right.
EXPECTED = {"signature": "mutates_input"}


def _affine_backward(dout, x, w):
    dw = x.T @ dout
    db = dout.sum(axis=0)
    x[...] = dout @ w.T  # reuse x's storage for dx
    return x, dw, db


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -np.mean(logp[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dh1, dW2, db2 = _affine_backward(ds, h1, W2)
    dz1 = dh1 * (z1 > 0)
    _, dW1, db1 = _affine_backward(dz1, X, W1)
    return L, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}

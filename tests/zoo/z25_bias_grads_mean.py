"""Bias gradients take the mean over rows of an upstream gradient that is already averaged."""
import numpy as np

# Bug: db1 and db2 use .mean(axis=0) on gradients that already carry 1/N, so both biases are N times too small.
EXPECTED = {"signature": "localized", "params": ["b1", "b2"]}


def affine_backward(dout, x, w):
    return dout @ w.T, x.T @ dout, dout.mean(axis=0)


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    L = np.mean(lse - s[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = np.exp(s - lse[:, None])
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dh1, dW2, db2 = affine_backward(ds, h1, W2)
    dz1 = dh1 * (z1 > 0)
    _, dW1, db1 = affine_backward(dz1, X, W1)
    return L, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}

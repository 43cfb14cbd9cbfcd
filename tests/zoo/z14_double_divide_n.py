"""Averages the probabilities by N and then averages the weight/bias gradients by N again."""
import numpy as np

# Bug: 1/N applied in dscores and again in every parameter gradient, so all are scaled by 1/N (reg=0).
EXPECTED = {"signature": "uniform_scale"}


def _softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(y)
    hid_pre = np.dot(X, W1) + b1
    hid = np.maximum(hid_pre, 0)
    s = np.dot(hid, W2) + b2
    sh = s - s.max(axis=1, keepdims=True)
    ce = np.mean(np.log(np.exp(sh).sum(axis=1)) - sh[np.arange(n), y])
    total = ce + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    ds = _softmax(s)
    ds[np.arange(n), y] -= 1
    ds /= n
    dW2 = np.dot(hid.T, ds) / n
    db2 = np.mean(ds, axis=0)
    dhid = np.dot(ds, W2.T)
    dhid[hid_pre <= 0] = 0
    dW1 = np.dot(X.T, dhid) / n
    db1 = np.mean(dhid, axis=0)
    return total, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}

"""Adds reg * b to the bias gradients although the loss never penalises the biases."""
import numpy as np

# Bug: db1 and db2 get a + reg * b term with no matching loss term, so with reg > 0 the biases are wrong.
EXPECTED = {"signature": "reg_only", "params": ["b1", "b2"]}


def loss(params, X, y, reg=0.0):
    grads = {}
    N = X.shape[0]
    z1 = X.dot(params["W1"]) + params["b1"]
    h1 = np.maximum(z1, 0)
    s = h1.dot(params["W2"]) + params["b2"]
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -np.mean(logp[np.arange(N), y])
    L += 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))

    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1
    ds /= N
    grads["W2"] = h1.T.dot(ds)
    grads["b2"] = ds.sum(axis=0)
    dz1 = ds.dot(params["W2"].T) * (z1 > 0)
    grads["W1"] = X.T.dot(dz1)
    grads["b1"] = dz1.sum(axis=0)
    for name in grads:
        grads[name] = grads[name] + reg * params[name]
    return L, grads

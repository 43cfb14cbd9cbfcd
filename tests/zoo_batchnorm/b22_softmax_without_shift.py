"""Softmax computed as exp(scores) / sum(exp(scores)) with no max shift; the loss is -log of the probability."""
# bug: exact at ordinary logits, but with logits near 1e4 exp overflows to inf, inf / inf is nan and the
# loss and every gradient are nan.
import numpy as np

EXPECTED = {"signature": "nonfinite"}


def loss(params, X, y, reg=0.0):
    N = X.shape[0]
    W1, W2 = params["W1"], params["W2"]
    z = X @ W1 + params["b1"]
    mu = np.mean(z, axis=0)
    v = np.mean((z - mu) ** 2, axis=0)
    xh = (z - mu) / np.sqrt(v + 1e-5)
    bn = params["gamma"] * xh + params["beta"]
    h = np.maximum(bn, 0)
    e = np.exp(h @ W2 + params["b2"])
    probs = e / np.sum(e, axis=1, keepdims=True)
    L = -np.mean(np.log(probs[np.arange(N), y])) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    d = probs.copy()
    d[np.arange(N), y] -= 1
    d /= N
    dbn = d @ W2.T * (bn > 0)
    dxh = dbn * params["gamma"]
    dz = (dxh - np.mean(dxh, axis=0) - xh * np.mean(dxh * xh, axis=0)) / np.sqrt(v + 1e-5)
    return L, {"W1": X.T @ dz + reg * W1, "b1": np.sum(dz, axis=0), "gamma": np.sum(dbn * xh, axis=0),
               "beta": np.sum(dbn, axis=0), "W2": h.T @ d + reg * W2, "b2": np.sum(d, axis=0)}

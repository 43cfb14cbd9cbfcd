"""Two-layer softmax loss returning a namedtuple (loss, grads) whose grads is an OrderedDict."""
# Correct: a 2-field namedtuple is a tuple of (loss, grads); OrderedDict is a dict.
from collections import OrderedDict, namedtuple

import numpy as np

EXPECTED = {"signature": "ok", "params": []}

LossAndGrads = namedtuple("LossAndGrads", ["loss", "grads"])


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = np.matmul(X, W1) + b1
    h = np.clip(z, 0.0, None)
    f = np.matmul(h, W2) + b2
    f -= np.max(f, axis=1, keepdims=True)  # f is a fresh array here
    logZ = np.log(np.exp(f).sum(axis=1))
    data = np.mean(logZ - f[np.arange(N), y])
    p = np.exp(f - logZ[:, None])
    p[np.arange(N), y] -= 1.0
    df = p / N
    dz = np.matmul(df, W2.T)
    dz[z <= 0] = 0.0
    g = OrderedDict()
    g["W1"] = np.matmul(X.T, dz) + reg * W1
    g["b1"] = np.sum(dz, axis=0)
    g["W2"] = np.matmul(h.T, df) + reg * W2
    g["b2"] = np.sum(df, axis=0)
    total = data + 0.5 * reg * (np.linalg.norm(W1) ** 2 + np.linalg.norm(W2) ** 2)
    return LossAndGrads(total, g)

"""Separate softmax and log-softmax helpers; dscores built from the softmax helper."""
import numpy as np

# Correct.
EXPECTED = {"signature": "ok"}


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    ex = np.exp(x)
    return ex / np.sum(ex, axis=-1, keepdims=True)


def log_softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return x - np.log(np.sum(np.exp(x), axis=-1, keepdims=True))


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    u = X @ W1 + b1
    v = np.maximum(u, 0.0)
    scores = v @ W2 + b2
    nll = -log_softmax(scores)[np.arange(n), y]
    value = nll.mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    target = np.eye(W2.shape[1])[y]
    dscores = (softmax(scores) - target) / n
    dv = dscores @ W2.T
    du = dv * (u > 0)
    return value, {
        "W1": X.T @ du + reg * W1,
        "b1": du.sum(axis=0),
        "W2": v.T @ dscores + reg * W2,
        "b2": dscores.sum(axis=0),
    }

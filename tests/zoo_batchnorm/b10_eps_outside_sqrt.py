"""Normalizes by sqrt(var) + eps instead of sqrt(var + eps); the backward, written from the cs231n
derivation, recomputes the standard deviation as sqrt(var + eps)."""
# bug: the forward divides by sqrt(var) + 1e-5, the backward by sqrt(var + 1e-5): against the own loss the
# relative error is about 1e-5 (far above 1e-7), in dW1 only; db1 stays zero; gamma, beta, W2, b2 use the
# forward's xhat and are right; the loss differs from the reference's by ~1e-6.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1"]}

EPS = 1e-5


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    g, bt = params["gamma"], params["beta"]
    n = X.shape[0]
    pre = X @ W1 + b1
    mean = pre.sum(axis=0) / n
    var = ((pre - mean) ** 2).sum(axis=0) / n
    norm = (pre - mean) / (np.sqrt(var) + EPS)
    out = g * norm + bt
    act = np.maximum(out, 0.0)
    sc = act @ W2 + b2
    sc = sc - sc.max(axis=1, keepdims=True)
    logsm = sc - np.log(np.exp(sc).sum(axis=1, keepdims=True))
    L = -logsm[np.arange(n), y].mean() + reg / 2 * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dsc = np.exp(logsm)
    dsc[np.arange(n), y] -= 1
    dsc /= n
    dout = dsc @ W2.T * (out > 0)
    dnorm = dout * g
    std = np.sqrt(var + EPS)
    dpre = (n * dnorm - dnorm.sum(axis=0) - norm * (dnorm * norm).sum(axis=0)) / (n * std)
    grads = {"W1": X.T @ dpre + reg * W1, "b1": dpre.sum(axis=0),
             "gamma": (dout * norm).sum(axis=0), "beta": dout.sum(axis=0),
             "W2": act.T @ dsc + reg * W2, "b2": dsc.sum(axis=0)}
    if return_dX:
        return L, grads, dpre @ W1.T
    return L, grads

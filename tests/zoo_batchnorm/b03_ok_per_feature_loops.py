"""Batch norm done one hidden unit at a time in Python loops (mean, variance and backward per column),
the softmax one example at a time; returns dX on request."""
# bug: none; the loops compute the same numbers as the vectorized formulas, verified by central differences.
import math

import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1 = params["W1"]
    W2 = params["W2"]
    N, D = X.shape
    H = W1.shape[1]
    C = W2.shape[1]
    z = X @ W1 + params["b1"]
    xhat = np.empty((N, H))
    std = np.empty(H)
    for j in range(H):
        col = z[:, j]
        m = sum(col) / N
        v = sum((col - m) ** 2) / N
        std[j] = math.sqrt(v + 1e-5)
        xhat[:, j] = (col - m) / std[j]
    bn = xhat * params["gamma"] + params["beta"]
    h = bn * (bn > 0)
    scores = h @ W2 + params["b2"]

    total = 0.0
    dscores = np.zeros((N, C))
    for i in range(N):
        row = scores[i] - max(scores[i])
        log_z = math.log(sum(math.exp(v) for v in row))
        total += log_z - row[y[i]]
        for c in range(C):
            dscores[i, c] = math.exp(row[c] - log_z) / N
        dscores[i, y[i]] -= 1.0 / N
    L = total / N + reg / 2 * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dW2 = h.T @ dscores + reg * W2
    db2 = dscores.sum(axis=0)
    dbn = dscores @ W2.T
    dbn[bn <= 0] = 0.0
    dgamma = np.zeros(H)
    dbeta = np.zeros(H)
    dz = np.zeros((N, H))
    for j in range(H):
        g = dbn[:, j]
        dbeta[j] = g.sum()
        dgamma[j] = (g * xhat[:, j]).sum()
        dx = g * params["gamma"][j]
        dz[:, j] = (dx - dx.mean() - xhat[:, j] * (dx * xhat[:, j]).mean()) / std[j]
    dW1 = X.T @ dz + reg * W1
    db1 = dz.sum(axis=0)
    grads = {"W1": dW1, "b1": db1, "gamma": dgamma, "beta": dbeta, "W2": dW2, "b2": db2}
    if return_dX:
        return L, grads, dz @ W1.T
    return L, grads

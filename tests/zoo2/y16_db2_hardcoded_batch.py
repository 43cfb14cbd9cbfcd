"""Two-layer softmax loss whose output-bias gradient divides by a hard-coded batch size of 8."""
# Bug: db2 = (p - onehot).sum(0) / 8 while everything else uses N. Exact at N = 8; at N = 13
# only b2 disagrees.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["b2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[rows, y].mean()
    G = np.exp(logp)
    G[rows, y] -= 1.0  # unscaled p - onehot
    dz = (G @ W2.T) * (z > 0) / N
    grads = {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ G / N + reg * W2,
        "b2": G.sum(axis=0) / 8,
    }
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), grads

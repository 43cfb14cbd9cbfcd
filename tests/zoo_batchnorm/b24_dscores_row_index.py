"""dscores[y] -= 1: the labels used as row indices instead of (row, label) pairs."""
# bug: whole rows y of the probability matrix lose 1 (once per distinct label) instead of one entry per row,
# so dscores is wrong in every row and column: W1, gamma, beta, W2, b2 are all wrong with no common factor.
import numpy as np

EXPECTED = {"signature": "mixed"}


def loss(params, X, y, reg=0.0):
    W1, W2 = params["W1"], params["W2"]
    N = X.shape[0]
    z = X @ W1 + params["b1"]
    mu = z.mean(axis=0)
    std = np.sqrt(z.var(axis=0) + 1e-5)
    xhat = (z - mu) / std
    bn = params["gamma"] * xhat + params["beta"]
    h = np.maximum(bn, 0.0)
    scores = h @ W2 + params["b2"]
    scores = scores - scores.max(axis=1, keepdims=True)
    logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    L = -logp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dscores = np.exp(logp)
    dscores[y] -= 1
    dscores /= N
    dbn = dscores @ W2.T * (bn > 0)
    dxhat = dbn * params["gamma"]
    dz = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / std
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(axis=0), "gamma": (dbn * xhat).sum(axis=0),
               "beta": dbn.sum(axis=0), "W2": h.T @ dscores + reg * W2, "b2": dscores.sum(axis=0)}

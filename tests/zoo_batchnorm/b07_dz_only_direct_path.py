"""Batch-norm backward that keeps only the direct path xhat -> z: dz = dxhat / std, as if mu and var
were constants; the gradient through the batch mean and the batch variance is dropped."""
# bug: dz misses both the dmean and the dvar terms; dW1 is wrong (no common factor) and db1 = sum(dxhat) / std
# is no longer zero while the true db1 is; gamma, beta, W2, b2 are right.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1 = params["W1"], params["b1"]
    gamma, beta = params["gamma"], params["beta"]
    W2, b2 = params["W2"], params["b2"]
    N = X.shape[0]

    z = X.dot(W1) + b1
    mu = z.mean(axis=0)
    var = z.var(axis=0)
    std = np.sqrt(var + 1e-5)
    xhat = (z - mu) / std
    bn = gamma * xhat + beta
    h = np.maximum(bn, 0)
    scores = h.dot(W2) + b2

    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -log_probs[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    dW2 = h.T.dot(dscores) + reg * W2
    db2 = dscores.sum(axis=0)
    dbn = dscores.dot(W2.T)
    dbn[bn <= 0] = 0
    dgamma = (dbn * xhat).sum(axis=0)
    dbeta = dbn.sum(axis=0)
    dxhat = dbn * gamma
    dz = dxhat / std
    dW1 = X.T.dot(dz) + reg * W1
    db1 = dz.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "gamma": dgamma, "beta": dbeta, "W2": dW2, "b2": db2}

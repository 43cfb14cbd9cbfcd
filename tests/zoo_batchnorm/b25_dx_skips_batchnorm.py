"""dX formed from the gradient at the BN output pushed straight through W1, as if the batch norm were not
there; the parameter gradients go through the full batch-norm backward."""
# bug: dX = dbn @ W1.T instead of dz @ W1.T; every parameter gradient is right, only dX is wrong (no common
# factor); without return_dX=True the function is the reference.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["X"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, gamma, beta, W2, b2 = (params[k] for k in ("W1", "b1", "gamma", "beta", "W2", "b2"))
    N = X.shape[0]
    z = np.dot(X, W1) + b1
    mu = np.mean(z, axis=0)
    xmu = z - mu
    var = np.mean(xmu ** 2, axis=0)
    std = np.sqrt(var + 1e-5)
    xhat = xmu / std
    bn = gamma * xhat + beta
    h = np.maximum(bn, 0)
    scores = np.dot(h, W2) + b2
    scores -= np.max(scores, axis=1, keepdims=True)
    logp = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    L = -np.mean(logp[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dscores = np.exp(logp)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    dbn = np.dot(dscores, W2.T) * (bn > 0)
    dxhat = dbn * gamma
    dz = (dxhat - np.mean(dxhat, axis=0) - xhat * np.mean(dxhat * xhat, axis=0)) / std
    grads = {"W1": np.dot(X.T, dz) + reg * W1, "b1": np.sum(dz, axis=0),
             "gamma": np.sum(dbn * xhat, axis=0), "beta": np.sum(dbn, axis=0),
             "W2": np.dot(h.T, dscores) + reg * W2, "b2": np.sum(dscores, axis=0)}
    if return_dX:
        return L, grads, np.dot(dbn, W1.T)
    return L, grads

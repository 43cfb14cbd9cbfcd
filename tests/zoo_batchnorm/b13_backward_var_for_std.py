"""The cached quantity named `ivar` is 1/sqrt(var + eps) in the forward, but the backward rebuilds it from
the variance as 1/(var + eps): the variance used where the standard deviation belongs."""
# bug: dz is divided by (var + eps) instead of sqrt(var + eps): each hidden unit's column of dW1 is off by
# its own factor 1/std_j (no common factor); db1 stays zero; gamma, beta, W2, b2 are right.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, gamma, beta, W2, b2 = (params[k] for k in ("W1", "b1", "gamma", "beta", "W2", "b2"))
    N = X.shape[0]
    h_in = np.dot(X, W1) + b1
    mu = np.mean(h_in, axis=0)
    var = np.mean((h_in - mu) ** 2, axis=0)
    ivar = 1.0 / np.sqrt(var + 1e-5)
    xhat = (h_in - mu) * ivar
    bn = gamma * xhat + beta
    h = np.maximum(bn, 0)
    scores = np.dot(h, W2) + b2
    scores = scores - np.max(scores, axis=1, keepdims=True)
    lsm = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    L = -np.sum(lsm[np.arange(N), y]) / N + reg * 0.5 * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = np.exp(lsm)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    dW2 = np.dot(h.T, dscores)
    db2 = np.sum(dscores, axis=0)
    dbn = np.dot(dscores, W2.T) * (bn > 0)
    dgamma = np.sum(dbn * xhat, axis=0)
    dbeta = np.sum(dbn, axis=0)
    ivar = 1.0 / (var + 1e-5)
    dh_in = (1.0 / N) * gamma * ivar * (N * dbn - np.sum(dbn, axis=0) - xhat * np.sum(dbn * xhat, axis=0))
    dW1 = np.dot(X.T, dh_in)
    db1 = np.sum(dh_in, axis=0)
    return L, {"W1": dW1 + reg * W1, "b1": db1, "gamma": dgamma, "beta": dbeta, "W2": dW2 + reg * W2, "b2": db2}

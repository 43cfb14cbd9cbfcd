"""The loss is the batch mean, but dscores is softmax - onehot without the 1/N."""
# bug: every gradient that is not identically zero (W1, gamma, beta, W2, b2; db1 is zero in exact arithmetic)
# is N times the truth: 8 at N=8, 13 at N=13, 11 at N=11; the factor tracks N.
import numpy as np

EXPECTED = {"signature": "uniform_scale", "factor_tracks": "N"}


def loss(params, X, y, reg=0.0):
    W1, b1, gamma, beta, W2, b2 = (params[k] for k in ("W1", "b1", "gamma", "beta", "W2", "b2"))
    N = X.shape[0]
    z = X @ W1 + b1
    mu = z.mean(0, keepdims=True)
    var = ((z - mu) ** 2).mean(0, keepdims=True)
    xhat = (z - mu) / np.sqrt(var + 1e-5)
    bn = gamma * xhat + beta
    h = np.maximum(bn, 0)
    scores = h @ W2 + b2
    scores = scores - scores.max(1, keepdims=True)
    logp = scores - np.log(np.exp(scores).sum(1, keepdims=True))
    L = -logp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dscores = np.exp(logp)
    dscores[np.arange(N), y] -= 1
    dW2 = h.T @ dscores + reg * W2
    db2 = dscores.sum(0)
    dbn = (dscores @ W2.T) * (bn > 0)
    dgamma = (dbn * xhat).sum(0)
    dbeta = dbn.sum(0)
    dxhat = dbn * gamma
    dz = (dxhat - dxhat.mean(0) - xhat * (dxhat * xhat).mean(0)) / np.sqrt(var + 1e-5)
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(0), "gamma": dgamma, "beta": dbeta, "W2": dW2, "b2": db2}

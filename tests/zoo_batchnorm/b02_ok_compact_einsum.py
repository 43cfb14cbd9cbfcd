"""The whole network in one function with einsum for every contraction and the compact batch-norm
backward formula dz = (gamma / N / std) * (N * dbn - sum(dbn) - xhat * sum(dbn * xhat))."""
# bug: none; the compact formula is algebraically the step-by-step graph, gradients match central differences.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, gamma, beta, W2, b2 = [params[k] for k in ("W1", "b1", "gamma", "beta", "W2", "b2")]
    N = X.shape[0]
    z = np.einsum("nd,dh->nh", X, W1) + b1
    mu = np.einsum("nh->h", z) / N
    zc = z - mu
    var = np.einsum("nh,nh->h", zc, zc) / N
    inv_std = 1.0 / np.sqrt(var + 1e-5)
    xhat = zc * inv_std
    bn = gamma * xhat + beta
    h = np.where(bn > 0, bn, 0.0)
    scores = np.einsum("nh,hc->nc", h, W2) + b2
    m = scores.max(axis=1, keepdims=True)
    lse = np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    logp = scores - m - lse
    onehot = np.eye(W2.shape[1])[y]
    L = -np.einsum("nc,nc->", onehot, logp) / N
    L += 0.5 * reg * (np.einsum("ij,ij->", W1, W1) + np.einsum("ij,ij->", W2, W2))

    dscores = (np.exp(logp) - onehot) / N
    dW2 = np.einsum("nh,nc->hc", h, dscores) + reg * W2
    db2 = np.einsum("nc->c", dscores)
    dbn = np.einsum("nc,hc->nh", dscores, W2) * (bn > 0)
    dgamma = np.einsum("nh,nh->h", dbn, xhat)
    dbeta = np.einsum("nh->h", dbn)
    dz = (gamma * inv_std / N) * (N * dbn - dbeta - xhat * dgamma)
    dW1 = np.einsum("nd,nh->dh", X, dz) + reg * W1
    db1 = np.einsum("nh->h", dz)
    return L, {"W1": dW1, "b1": db1, "gamma": dgamma, "beta": dbeta, "W2": dW2, "b2": db2}

"""Affine -> BatchNorm -> ReLU -> Affine -> softmax-CE written as forward/backward layer pairs with caches,
the batch-norm backward taken step by step through the computational graph (mean, centre, square, var,
sqrt, invert, multiply); returns dX on request."""
# bug: none; every gradient and dX match central differences of the loss at every size tried.
import numpy as np

EXPECTED = {"signature": "ok"}


def _affine_fwd(x, w, b):
    return x.dot(w) + b, (x, w)


def _affine_bwd(dout, cache):
    x, w = cache
    return dout.dot(w.T), x.T.dot(dout), dout.sum(axis=0)


def _bn_fwd(x, gamma, beta, eps=1e-5):
    n = x.shape[0]
    mu = 1.0 / n * np.sum(x, axis=0)
    xmu = x - mu
    sq = xmu ** 2
    var = 1.0 / n * np.sum(sq, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    out = gamma * xhat + beta
    return out, (xhat, gamma, xmu, ivar, sqrtvar, var, eps)


def _bn_bwd(dout, cache):
    xhat, gamma, xmu, ivar, sqrtvar, var, eps = cache
    n = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / (sqrtvar ** 2) * divar
    dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar
    dsq = 1.0 / n * np.ones_like(dout) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1.0 / n * np.ones_like(dout) * dmu
    return dx1 + dx2, dgamma, dbeta


def _relu_fwd(x):
    return np.maximum(0, x), x


def _relu_bwd(dout, x):
    return dout * (x > 0)


def _softmax_ce(s, y):
    n = s.shape[0]
    shifted = s - np.max(s, axis=1, keepdims=True)
    logp = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    dl = np.exp(logp)
    dl[np.arange(n), y] -= 1
    return -np.sum(logp[np.arange(n), y]) / n, dl / n


def loss(params, X, y, reg=0.0, return_dX=False):
    a1, c1 = _affine_fwd(X, params["W1"], params["b1"])
    a2, c2 = _bn_fwd(a1, params["gamma"], params["beta"])
    a3, c3 = _relu_fwd(a2)
    scores, c4 = _affine_fwd(a3, params["W2"], params["b2"])
    data_loss, dscores = _softmax_ce(scores, y)
    L = data_loss + 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    grads = {}
    da3, grads["W2"], grads["b2"] = _affine_bwd(dscores, c4)
    da2 = _relu_bwd(da3, c3)
    da1, grads["gamma"], grads["beta"] = _bn_bwd(da2, c2)
    dx, grads["W1"], grads["b1"] = _affine_bwd(da1, c1)
    grads["W1"] += reg * params["W1"]
    grads["W2"] += reg * params["W2"]
    if return_dX:
        return L, grads, dx
    return L, grads

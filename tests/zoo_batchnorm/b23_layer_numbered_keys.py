"""Gradients returned under the per-layer names of a fully connected net with batch norm (gamma1, beta1)
instead of the parameter names gamma and beta."""
# bug: grads has keys gamma1 and beta1 where params has gamma and beta: wrong structure; the values are right.
import numpy as np

EXPECTED = {"signature": "crash"}


def loss(params, X, y, reg=0.0):
    N = X.shape[0]
    W1, W2 = params["W1"], params["W2"]
    z = X @ W1 + params["b1"]
    mu = z.mean(0)
    sd = np.sqrt(z.var(0) + 1e-5)
    xh = (z - mu) / sd
    bn = params["gamma"] * xh + params["beta"]
    h = np.maximum(bn, 0)
    s = h @ W2 + params["b2"]
    s = s - s.max(1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(1, keepdims=True))
    L = -lp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(lp)
    d[np.arange(N), y] -= 1
    d /= N
    grads = {"W2": h.T @ d + reg * W2, "b2": d.sum(0)}
    dbn = d @ W2.T * (bn > 0)
    grads["gamma1"] = (dbn * xh).sum(0)
    grads["beta1"] = dbn.sum(0)
    dxh = dbn * params["gamma"]
    dz = (dxh - dxh.mean(0) - xh * (dxh * xh).mean(0)) / sd
    grads["W1"] = X.T @ dz + reg * W1
    grads["b1"] = dz.sum(0)
    return L, grads

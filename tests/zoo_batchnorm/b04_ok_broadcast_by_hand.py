"""No keepdims anywhere: every row or column statistic is broadcast by hand with [None, :] / [:, None];
bias sums and batch means are matrix products with a ones vector; ReLU mask taken on the activation."""
# bug: none; (h > 0) equals (bn > 0) because h = max(bn, 0); gradients match central differences.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    w1 = params["W1"]; w2 = params["W2"]
    n = X.shape[0]
    ones = np.ones(n)
    pre = X.dot(w1) + params["b1"][None, :]
    mean = ones.dot(pre) / n
    dev = pre - mean[None, :]
    sigma = np.sqrt(ones.dot(dev * dev) / n + 1e-5)
    nrm = dev / sigma[None, :]
    act = np.maximum(params["gamma"][None, :] * nrm + params["beta"][None, :], 0.0)
    s = act.dot(w2) + params["b2"][None, :]
    top = s.max(axis=1)
    e = np.exp(s - top[:, None])
    tot = e.sum(axis=1)
    picked = s[np.arange(n), y] - top
    L = np.mean(np.log(tot) - picked) + reg * 0.5 * (np.vdot(w1, w1) + np.vdot(w2, w2))

    g = e / tot[:, None]
    g[np.arange(n), y] -= 1.0
    g /= n
    d_w2 = act.T.dot(g) + reg * w2
    d_b2 = ones.dot(g)
    d_act = g.dot(w2.T) * (act > 0)
    d_gamma = ones.dot(d_act * nrm)
    d_beta = ones.dot(d_act)
    d_nrm = d_act * params["gamma"][None, :]
    d_pre = (d_nrm - (ones.dot(d_nrm) / n)[None, :] - nrm * (ones.dot(d_nrm * nrm) / n)[None, :]) / sigma[None, :]
    d_w1 = X.T.dot(d_pre) + reg * w1
    return L, {"W1": d_w1, "b1": ones.dot(d_pre), "gamma": d_gamma, "beta": d_beta, "W2": d_w2, "b2": d_b2}

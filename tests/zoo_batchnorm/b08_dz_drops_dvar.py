"""Step-by-step batch-norm backward that subtracts the mean of dxhat (the dmu path) but forgets the
variance branch: dz = (dxhat - mean(dxhat)) / std."""
# bug: the dvar term -xhat * mean(dxhat * xhat) / std is missing; only dW1 is wrong (db1 stays zero because
# the remaining dz still sums to zero over the batch); gamma, beta, W2, b2 are right.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1"]}


def forward_bn(a, g, b):
    m = a.mean(0)
    centred = a - m
    v = (centred ** 2).mean(0)
    s = np.sqrt(v + 1e-5)
    n = centred / s
    return g * n + b, (n, s, g)


def backward_bn(d, cache):
    n, s, g = cache
    dn = d * g
    dcentred = dn / s
    dmean = -dcentred.sum(0)
    da = dcentred + dmean / d.shape[0]
    # variance depends on a too, but its effect is small: left out
    return da, (d * n).sum(0), d.sum(0)


def loss(params, X, y, reg=0.0):
    W1, W2 = params["W1"], params["W2"]
    N = len(X)
    a = X @ W1 + params["b1"]
    o, cache = forward_bn(a, params["gamma"], params["beta"])
    r = np.maximum(o, 0)
    s = r @ W2 + params["b2"]
    s = s - s.max(1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(1, keepdims=True))
    L = -lp[range(N), y].sum() / N + reg / 2 * ((W1 * W1).sum() + (W2 * W2).sum())
    ds = np.exp(lp)
    ds[range(N), y] -= 1
    ds = ds / N
    do = (ds @ W2.T) * (o > 0)
    da, dg, db = backward_bn(do, cache)
    return L, {"W1": X.T @ da + reg * W1, "b1": da.sum(0), "gamma": dg, "beta": db,
               "W2": r.T @ ds + reg * W2, "b2": ds.sum(0)}

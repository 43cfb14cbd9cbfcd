"""The ReLU mask taken on the affine output z (as in a plain two-layer net) instead of on bn, the ReLU's
actual input after batch norm."""
# bug: dbn = dh * (z > 0) instead of (bn > 0): gamma, beta and W1 are wrong (W1 through dz), no common
# factor; db1 stays zero; W2 and b2 use h and are right.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "gamma", "beta"]}


def loss(params, X, y, reg=0.0):
    W1, W2 = params["W1"], params["W2"]
    N = X.shape[0]
    z = X @ W1 + params["b1"]
    m = z.mean(axis=0)
    v = z.var(axis=0)
    xh = (z - m) / np.sqrt(v + 1e-5)
    bn = xh * params["gamma"] + params["beta"]
    h = np.maximum(0, bn)
    sc = h @ W2 + params["b2"]
    sc = sc - sc.max(axis=1, keepdims=True)
    lp = sc - np.log(np.sum(np.exp(sc), axis=1, keepdims=True))
    L = -np.mean(lp[np.arange(N), y]) + reg * 0.5 * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(lp)
    d[np.arange(N), y] -= 1
    d /= N
    dbn = (d @ W2.T) * (z > 0)
    dg = np.sum(dbn * xh, axis=0)
    db = np.sum(dbn, axis=0)
    dz = params["gamma"] / (N * np.sqrt(v + 1e-5)) * (N * dbn - db - xh * dg)
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(axis=0), "gamma": dg, "beta": db,
               "W2": h.T @ d + reg * W2, "b2": d.sum(axis=0)}

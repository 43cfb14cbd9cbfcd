"""dgamma and dbeta reduced over the hidden axis (axis=1) instead of over the batch."""
# bug: dgamma = sum(dbn * xhat, axis=1) and dbeta = sum(dbn, axis=1) have shape (N,) instead of (H,)
# (8 vs 6 at the toy sizes, 13 vs 6 at N=13); W1, b1, W2, b2 are right.
import numpy as np

EXPECTED = {"signature": "shape_error", "params": ["gamma", "beta"]}


def loss(params, X, y, reg=0.0):
    N = X.shape[0]
    z1 = X @ params["W1"] + params["b1"]
    mu = np.mean(z1, axis=0, keepdims=True)
    sd = np.sqrt(np.mean((z1 - mu) ** 2, axis=0, keepdims=True) + 1e-5)
    xn = (z1 - mu) / sd
    y1 = params["gamma"] * xn + params["beta"]
    a1 = np.maximum(y1, 0.0)
    s = a1 @ params["W2"] + params["b2"]
    s -= np.max(s, axis=1, keepdims=True)
    lp = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
    L = -np.mean(lp[np.arange(N), y])
    L += 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    ds = np.exp(lp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dy1 = (ds @ params["W2"].T) * (y1 > 0)
    dgamma = np.sum(dy1 * xn, axis=1)
    dbeta = np.sum(dy1, axis=1)
    dxn = dy1 * params["gamma"]
    dz1 = (dxn - np.mean(dxn, axis=0, keepdims=True) - xn * np.mean(dxn * xn, axis=0, keepdims=True)) / sd
    return L, {"W1": X.T @ dz1 + reg * params["W1"], "b1": np.sum(dz1, axis=0),
               "gamma": dgamma, "beta": dbeta,
               "W2": a1.T @ ds + reg * params["W2"], "b2": np.sum(ds, axis=0)}

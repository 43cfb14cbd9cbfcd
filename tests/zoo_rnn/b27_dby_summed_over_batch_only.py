"""RNN whose output-bias gradient sums over the batch axis but not over time."""
import numpy as np

# bug: dby = dscores.sum(axis=0) on (N, T, C) gives shape (T, C) instead of (C,); every other
# gradient is right.
EXPECTED = {"signature": "shape_error", "params": ["by"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    hs = np.zeros((N, T, H))
    for t in range(T):
        recur = hs[:, t - 1] @ Wh if t > 0 else 0.0
        hs[:, t] = np.tanh(X[:, t] @ Wx + recur + b)
    sc = np.einsum("nth,hc->ntc", hs, Wy) + by
    sc -= sc.max(axis=2, keepdims=True)
    lp = sc - np.log(np.exp(sc).sum(axis=2, keepdims=True))
    Y = np.eye(Wy.shape[1])[y]
    L = -(Y * lp).sum() / N + reg / 2 * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    dsc = (np.exp(lp) - Y) / N
    dWy = np.einsum("nth,ntc->hc", hs, dsc) + reg * Wy
    dby = dsc.sum(axis=0)                           # BUG: (T, C); time must be summed too
    dhs = np.einsum("ntc,hc->nth", dsc, Wy)
    da = np.zeros_like(hs)
    run = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da[:, t] = (dhs[:, t] + run) * (1 - hs[:, t] ** 2)
        run = da[:, t] @ Wh.T
    prev = np.concatenate([np.zeros((N, 1, H)), hs[:, :-1]], axis=1)
    grads = {"Wx": np.einsum("ntd,nth->dh", X, da) + reg * Wx,
             "Wh": np.einsum("ntk,nth->kh", prev, da) + reg * Wh,
             "b": da.sum(axis=(0, 1)), "Wy": dWy, "by": dby}
    if return_dX:
        return L, grads, np.einsum("nth,dh->ntd", da, Wx)
    return L, grads

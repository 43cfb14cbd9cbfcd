"""RNN whose dWh sum starts at the second step: looks like an off-by-one, but h_0 = 0 adds nothing."""
import numpy as np

# Correct: the t = 1 term of dWh is h_0^T da_1 = 0 because h_0 = 0, so skipping it changes nothing;
# da_1 still reaches dWx, db and dX.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    hid = np.zeros((N, T, H))
    for t in range(T):
        before = hid[:, t - 1] if t > 0 else np.zeros((N, H))
        hid[:, t] = np.tanh(X[:, t] @ Wx + before @ Wh + b)
    sc = hid @ Wy + by
    sc -= sc.max(axis=2)[..., None]
    lsm = sc - np.log(np.exp(sc).sum(axis=2))[..., None]
    nn, tt = np.ix_(np.arange(N), np.arange(T))
    L = -lsm[nn, tt, y].sum() / N + reg / 2 * ((Wx ** 2).sum() + (Wh ** 2).sum() + (Wy ** 2).sum())
    dsc = np.exp(lsm)
    dsc[nn, tt, y] -= 1
    dsc /= N
    dhid = dsc @ Wy.T
    dWx = reg * Wx
    dWh = reg * Wh
    db = np.zeros(H)
    dX = np.zeros_like(X)
    nxt = 0.0
    for t in range(T - 1, -1, -1):
        da = (dhid[:, t] + nxt) * (1 - hid[:, t] ** 2)
        dWx = dWx + X[:, t].T @ da
        if t >= 1:                                   # h_0 = 0: no dWh term at the first step
            dWh = dWh + hid[:, t - 1].T @ da
        db = db + da.sum(0)
        dX[:, t] = da @ Wx.T
        nxt = da @ Wh.T
    grads = {"Wx": dWx, "Wh": dWh, "b": db,
             "Wy": np.tensordot(hid, dsc, axes=([0, 1], [0, 1])) + reg * Wy,
             "by": dsc.sum(axis=(0, 1))}
    return (L, grads, dX) if return_dX else (L, grads)

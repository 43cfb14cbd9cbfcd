"""RNN that saves memory by writing dX into a time-major view of X itself."""
import numpy as np

# bug: xs = X.swapaxes(0, 1) is a view, and the backward loop stores dX into xs[t] after using it:
# the caller's X is overwritten with dX (on every call); loss and gradients are computed right.
EXPECTED = {"signature": "mutates_input", "params": []}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    xs = X.swapaxes(0, 1)                           # (T, N, D), a view of X
    T, N, D = xs.shape
    H = Wh.shape[0]
    hs = np.zeros((T + 1, N, H))
    for t in range(T):
        hs[t + 1] = np.tanh(xs[t] @ Wx + hs[t] @ Wh + b)
    sc = hs[1:] @ Wy + by
    sc = sc - sc.max(-1, keepdims=True)
    lp = sc - np.log(np.exp(sc).sum(-1, keepdims=True))
    tt, nn = np.indices((T, N))
    yt = y.T
    L = -lp[tt, nn, yt].sum() / N + 0.5 * reg * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    d = np.exp(lp)
    d[tt, nn, yt] -= 1
    d /= N
    dWy = np.einsum("tnh,tnc->hc", hs[1:], d) + reg * Wy
    dby = d.sum((0, 1))
    dh = d @ Wy.T
    dWx, dWh, db = reg * Wx, reg * Wh, np.zeros(H)
    nxt = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dh[t] + nxt) * (1 - hs[t + 1] ** 2)
        dWx = dWx + xs[t].T @ da
        dWh = dWh + hs[t].T @ da
        db = db + da.sum(0)
        nxt = da @ Wh.T
        xs[t] = da @ Wx.T                           # BUG: xs is a view of the caller's X
    grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}
    if return_dX:
        return L, grads, xs.swapaxes(0, 1).copy()
    return L, grads

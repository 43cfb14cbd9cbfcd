"""RNN that accepts return_dX and computes dX, but always returns the (loss, grads) pair."""
import numpy as np

# bug: with return_dX=True the result is still (loss, grads), not (loss, grads, dX): a wrong return
# structure (the loss and the gradients themselves are right).
EXPECTED = {"signature": "crash", "params": []}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    seq = []
    h = np.zeros((N, H))
    for t in range(T):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        seq.append(h)
    hh = np.array(seq)                              # (T, N, H)
    s = hh @ Wy + by
    s = s - s.max(axis=2, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=2, keepdims=True))
    oh = np.zeros_like(lp)
    for t in range(T):
        oh[t, np.arange(N), y[:, t]] = 1.0
    L = -np.sum(lp * oh) / N + reg * 0.5 * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    ds = (np.exp(lp) - oh) / N
    dhh = ds @ Wy.T
    dWx, dWh, db = reg * Wx, reg * Wh, np.zeros(H)
    dX = np.zeros_like(X)
    nxt = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dhh[t] + nxt) * (1 - hh[t] ** 2)
        dWx = dWx + X[:, t].T @ da
        if t:
            dWh = dWh + hh[t - 1].T @ da
        db = db + da.sum(0)
        dX[:, t] = da @ Wx.T
        nxt = da @ Wh.T
    grads = {"Wx": dWx, "Wh": dWh, "b": db,
             "Wy": np.einsum("tnh,tnc->hc", hh, ds) + reg * Wy, "by": ds.sum(axis=(0, 1))}
    return L, grads                                 # BUG: dX is never returned

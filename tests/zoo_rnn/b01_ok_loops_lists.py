"""Vanilla tanh RNN, a softmax at every step, written with Python lists of per-step arrays and explicit loops."""
import numpy as np

# Correct: per-step lists, the next-step gradient carried in a variable through Wh.T.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, _ = X.shape
    hs = [np.zeros((N, Wh.shape[0]))]
    logps = []
    total = 0.0
    for t in range(T):
        hs.append(np.tanh(X[:, t, :].dot(Wx) + hs[-1].dot(Wh) + b))
        s = hs[-1].dot(Wy) + by
        s = s - s.max(axis=1, keepdims=True)
        lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        logps.append(lp)
        total -= lp[np.arange(N), y[:, t]].sum()
    L = total / N + 0.5 * reg * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))

    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dWy = np.zeros_like(Wy)
    dby = np.zeros_like(by)
    carry = np.zeros_like(hs[0])
    for t in range(T - 1, -1, -1):
        ds = np.exp(logps[t])
        ds[np.arange(N), y[:, t]] -= 1.0
        ds /= N
        dWy += hs[t + 1].T.dot(ds)
        dby += ds.sum(axis=0)
        dh = ds.dot(Wy.T) + carry
        da = dh * (1.0 - hs[t + 1] ** 2)
        dWx += X[:, t, :].T.dot(da)
        dWh += hs[t].T.dot(da)
        db += da.sum(axis=0)
        carry = da.dot(Wh.T)
    return L, {"Wx": dWx + reg * Wx, "Wh": dWh + reg * Wh, "b": db,
               "Wy": dWy + reg * Wy, "by": dby}

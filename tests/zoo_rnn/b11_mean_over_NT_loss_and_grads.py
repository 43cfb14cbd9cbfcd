"""RNN that averages the cross-entropy over all N*T predictions, in the loss and in the gradients."""
import numpy as np

# bug: the loss is the mean over N*T entries (1/T of the reference's data loss) and dscores is divided
# by N*T to match; the gradients agree with this loss, but the loss is not the reference's.
EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = (params[k] for k in ("Wx", "Wh", "b", "Wy", "by"))
    N, T, D = X.shape
    H, C = Wy.shape
    hs = np.zeros((N, T, H))
    h = np.zeros((N, H))
    for t in range(T):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        hs[:, t] = h
    flat_h = hs.reshape(N * T, H)
    flat_y = y.reshape(N * T)
    s = flat_h @ Wy + by
    s -= s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -np.mean(logp[np.arange(N * T), flat_y])            # BUG: mean over N*T, not sum / N
    L += 0.5 * reg * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    ds = np.exp(logp)
    ds[np.arange(N * T), flat_y] -= 1
    ds /= N * T
    dWy = flat_h.T @ ds + reg * Wy
    dby = ds.sum(axis=0)
    dh = (ds @ Wy.T).reshape(N, T, H)
    dWx, dWh, db = reg * Wx, reg * Wh, np.zeros(H)
    dX = np.empty_like(X)
    dnext = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dh[:, t] + dnext) * (1 - hs[:, t] ** 2)
        prev = hs[:, t - 1] if t > 0 else np.zeros((N, H))
        dWx = dWx + X[:, t].T @ da
        dWh = dWh + prev.T @ da
        db = db + da.sum(axis=0)
        dX[:, t] = da @ Wx.T
        dnext = da @ Wh.T
    grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}
    return (L, grads, dX) if return_dX else (L, grads)

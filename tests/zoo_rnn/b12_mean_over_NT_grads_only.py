"""RNN whose loss is summed over time and averaged over the batch, but whose dscores is divided by N*T."""
import numpy as np

# bug: dscores /= N*T while the loss is sum / N: at reg = 0 every gradient is 1/T of the truth
# (0.2 at T = 5, 1/3 at T = 3, 0.125 at T = 8, not changing with N); the reg * W terms are right.
EXPECTED = {"signature": "uniform_scale", "params": ["Wx", "Wh", "b", "Wy", "by"], "factor_tracks": "1/T"}


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
    L = -np.sum(logp[np.arange(N * T), flat_y]) / N
    L += 0.5 * reg * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    ds = np.exp(logp)
    ds[np.arange(N * T), flat_y] -= 1
    ds /= N * T                                              # BUG: the loss divides by N only
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

"""RNN whose reported loss is averaged over all N*T predictions while its gradients use 1/N."""
import numpy as np

# bug: the loss is the mean over N*T entries (its data part 1/T of the reference's) while dscores is
# divided by N only: the gradients are the reference's, T times the slope of the returned loss.
EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]

    def cell(x, h):
        return np.tanh(x @ Wx + h @ Wh + b)

    states = [np.zeros((N, H))]
    for t in range(T):
        states.append(cell(X[:, t], states[-1]))
    Hs = np.stack(states[1:], axis=1)
    s = Hs @ Wy + by
    s = s - s.max(axis=2, keepdims=True)
    lsm = s - np.log(np.exp(s).sum(axis=2, keepdims=True))
    picked = np.take_along_axis(lsm, y[..., None], axis=2)[..., 0]
    L = -picked.mean()                               # BUG: mean over N*T, the gradients use 1/N
    L = L + reg / 2 * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    ds = np.exp(lsm)
    np.put_along_axis(ds, y[..., None], np.take_along_axis(ds, y[..., None], axis=2) - 1, axis=2)
    ds = ds / N
    dHs = ds @ Wy.T
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dX = np.zeros_like(X)
    back = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dHs[:, t] + back) * (1 - states[t + 1] ** 2)
        dWx += X[:, t].T @ da
        dWh += states[t].T @ da
        db += da.sum(0)
        dX[:, t] = da @ Wx.T
        back = da @ Wh.T
    grads = {"Wx": dWx + reg * Wx, "Wh": dWh + reg * Wh, "b": db,
             "Wy": np.einsum("nth,ntc->hc", Hs, ds) + reg * Wy, "by": ds.sum(axis=(0, 1))}
    return (L, grads, dX) if return_dX else (L, grads)

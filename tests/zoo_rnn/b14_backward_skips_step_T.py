"""RNN whose backpropagation through time starts one step too early, at T - 1."""
import numpy as np

# bug: for t in reversed(range(T - 1)): the last step's da_T is never formed, so its softmax gradient
# never enters the recurrence; Wx, Wh, b and dX at every step are wrong (dX[:, T-1] is zero); dWy and
# dby, computed outside the loop over all steps, are right.
EXPECTED = {"signature": "localized", "params": ["Wx", "Wh", "b"], "step": 5}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    x_tm = X.swapaxes(0, 1)                        # (T, N, D)
    h_tm = np.zeros((T, N, H))
    h = np.zeros((N, H))
    for t, x in enumerate(x_tm):
        h = np.tanh(x @ Wx + h @ Wh + b)
        h_tm[t] = h
    s = h_tm @ Wy + by                              # (T, N, C)
    s = s - s.max(-1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(-1, keepdims=True))
    mask = np.zeros_like(logp)
    mask[np.arange(T)[:, None], np.arange(N)[None, :], y.T] = 1.0
    L = -(mask * logp).sum() / N + reg / 2 * (np.vdot(Wx, Wx) + np.vdot(Wh, Wh) + np.vdot(Wy, Wy))
    ds = (np.exp(logp) - mask) / N
    dWy = np.einsum("tnh,tnc->hc", h_tm, ds)
    dby = ds.sum((0, 1))
    dh_tm = ds @ Wy.T
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dx_tm = np.zeros_like(x_tm)
    back = np.zeros((N, H))
    for t in reversed(range(T - 1)):               # BUG: should start at T - 1 (range(T))
        da = (dh_tm[t] + back) * (1 - h_tm[t] ** 2)
        h_before = h_tm[t - 1] if t > 0 else np.zeros((N, H))
        dWx += x_tm[t].T @ da
        dWh += h_before.T @ da
        db += da.sum(0)
        dx_tm[t] = da @ Wx.T
        back = da @ Wh.T
    grads = {"Wx": dWx + reg * Wx, "Wh": dWh + reg * Wh, "b": db, "Wy": dWy + reg * Wy, "by": dby}
    if return_dX:
        return L, grads, dx_tm.swapaxes(0, 1)
    return L, grads

"""RNN with a preallocated (N, T, H) state array indexed as hs[:, t - 1] for the previous state."""
import numpy as np

# bug: at t = 0, hs[:, t - 1] is hs[:, -1]. In the forward pass that slot is still zero, so the loss
# is right; in the backward pass it holds h_T, so dWh gets an extra h_T^T da_1 (h_0 treated as h_T,
# nonzero). Only dWh is wrong; da, dWx, db and dX are right.
EXPECTED = {"signature": "localized", "params": ["Wh"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    hs = np.zeros((N, T, H))
    for t in range(T):
        hs[:, t] = np.tanh(X[:, t] @ Wx + hs[:, t - 1] @ Wh + b)    # hs[:, -1] is still 0 at t = 0
    scores = hs @ Wy + by
    top = scores.max(axis=2, keepdims=True)
    logits = scores - top
    logZ = np.log(np.exp(logits).sum(axis=2, keepdims=True))
    n, tt = np.meshgrid(np.arange(N), np.arange(T), indexing="ij")
    L = np.sum(logZ[..., 0] - logits[n, tt, y]) / N
    L += reg * 0.5 * (np.sum(Wx * Wx) + np.sum(Wh * Wh) + np.sum(Wy * Wy))
    dscores = np.exp(logits - logZ)
    dscores[n, tt, y] -= 1.0
    dscores = dscores / N
    dhs = dscores @ Wy.T
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dX = np.zeros_like(X)
    dnext = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dhs[:, t] + dnext) * (1.0 - hs[:, t] ** 2)
        dWx += X[:, t].T @ da
        dWh += hs[:, t - 1].T @ da                  # BUG: at t = 0 this is h_T, not h_0 = 0
        db += da.sum(axis=0)
        dX[:, t] = da @ Wx.T
        dnext = da @ Wh.T
    grads = {
        "Wx": dWx + reg * Wx,
        "Wh": dWh + reg * Wh,
        "b": db,
        "Wy": np.einsum("nth,ntc->hc", hs, dscores) + reg * Wy,
        "by": dscores.sum(axis=(0, 1)),
    }
    if return_dX:
        return L, grads, dX
    return L, grads

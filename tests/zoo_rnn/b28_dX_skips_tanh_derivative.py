"""RNN whose input gradient is taken from dh instead of from the pre-activation gradient da."""
import numpy as np

# bug: dX[:, t] = dh_t @ Wx.T, skipping the (1 - h_t^2) factor; the parameter gradients use da and are
# all right, only dX is wrong (at every step).
EXPECTED = {"signature": "localized", "params": ["X"], "step": 5}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    h_list = [np.zeros((N, H))]
    for t in range(T):
        h_list.append(np.tanh(X[:, t] @ Wx + h_list[t] @ Wh + b))
    L = 0.5 * reg * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    grads = {"Wx": reg * Wx, "Wh": reg * Wh, "b": np.zeros_like(b), "Wy": reg * Wy, "by": np.zeros_like(by)}
    dX = np.zeros_like(X)
    dh_next = np.zeros((N, H))
    rows = np.arange(N)
    for t in range(T, 0, -1):
        z = h_list[t] @ Wy + by
        z = z - z.max(axis=1, keepdims=True)
        lz = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        L -= lz[rows, y[:, t - 1]].sum() / N
        dz = np.exp(lz)
        dz[rows, y[:, t - 1]] -= 1
        dz /= N
        grads["Wy"] += h_list[t].T @ dz
        grads["by"] += dz.sum(axis=0)
        dh = dz @ Wy.T + dh_next
        da = dh * (1 - h_list[t] ** 2)
        grads["Wx"] += X[:, t - 1].T @ da
        grads["Wh"] += h_list[t - 1].T @ da
        grads["b"] += da.sum(axis=0)
        dX[:, t - 1] = dh @ Wx.T                    # BUG: should be da @ Wx.T
        dh_next = da @ Wh.T
    if return_dX:
        return L, grads, dX
    return L, grads

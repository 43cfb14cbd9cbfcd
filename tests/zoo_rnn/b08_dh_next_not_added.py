"""RNN whose backward pass uses only each step's own softmax gradient: nothing flows back from t + 1."""
import numpy as np

# bug: dh_t = dscores_t Wy^T only, the dh_next from step t + 1 is computed but never added; Wx, Wh, b
# (and dX before the last step) are wrong, Wy and by are right.
EXPECTED = {"signature": "localized", "params": ["Wx", "Wh", "b"], "step": 4}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    h = np.zeros((N, T + 1, H))
    for t in range(1, T + 1):
        h[:, t] = np.tanh(X[:, t - 1] @ Wx + h[:, t - 1] @ Wh + b)
    scores = h[:, 1:] @ Wy + by
    scores = scores - scores.max(axis=-1, keepdims=True)
    logp = scores - np.log(np.exp(scores).sum(axis=-1, keepdims=True))
    n_idx = np.arange(N)[:, None]
    t_idx = np.arange(T)[None, :]
    L = -logp[n_idx, t_idx, y].sum() / N
    L += 0.5 * reg * (np.sum(Wx * Wx) + np.sum(Wh * Wh) + np.sum(Wy * Wy))
    dscores = np.exp(logp)
    dscores[n_idx, t_idx, y] -= 1
    dscores /= N
    dWy = h[:, 1:].reshape(-1, H).T @ dscores.reshape(-1, Wy.shape[1])
    dby = dscores.sum(axis=(0, 1))
    dh_all = dscores @ Wy.T
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dX = np.zeros_like(X)
    dh_next = np.zeros((N, H))
    for t in range(T, 0, -1):
        dh = dh_all[:, t - 1]                       # BUG: + dh_next missing
        da = dh * (1 - h[:, t] ** 2)
        dWx += X[:, t - 1].T @ da
        dWh += h[:, t - 1].T @ da
        db += da.sum(axis=0)
        dX[:, t - 1] = da @ Wx.T
        dh_next = da @ Wh.T  # noqa: F841 - the bug: computed, never added
    grads = {"Wx": dWx + reg * Wx, "Wh": dWh + reg * Wh, "b": db, "Wy": dWy + reg * Wy, "by": dby}
    if return_dX:
        return L, grads, dX
    return L, grads

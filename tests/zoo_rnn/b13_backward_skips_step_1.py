"""RNN whose backward loop stops before the first step (range(T - 1, 0, -1))."""
import numpy as np

# bug: the loop never visits t = 1, so da_1 never reaches dWx, db or dX[:, 0] (left zero); dWh is
# still right because its t = 1 term is h_0^T da_1 = 0. Only dX at step 1 is wrong.
EXPECTED = {"signature": "localized", "params": ["Wx", "b"], "step": 1}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wxh, Whh, bh, Why, bo = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, _ = X.shape
    hs = {-1: np.zeros((N, Whh.shape[0]))}
    ps = {}
    L = 0.0
    for t in range(T):
        hs[t] = np.tanh(X[:, t] @ Wxh + hs[t - 1] @ Whh + bh)
        o = hs[t] @ Why + bo
        o = o - o.max(axis=1, keepdims=True)
        lp = o - np.log(np.sum(np.exp(o), axis=1, keepdims=True))
        ps[t] = np.exp(lp)
        L -= np.sum(lp[np.arange(N), y[:, t]])
    L = L / N + reg / 2 * (np.sum(Wxh ** 2) + np.sum(Whh ** 2) + np.sum(Why ** 2))
    dWxh, dWhh, dbh = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(bh)
    dWhy, dbo = np.zeros_like(Why), np.zeros_like(bo)
    dX = np.zeros_like(X)
    dy = {}
    for t in range(T):
        dy[t] = ps[t].copy()
        dy[t][np.arange(N), y[:, t]] -= 1
        dy[t] /= N
        dWhy += hs[t].T @ dy[t]
        dbo += dy[t].sum(axis=0)
    dhnext = np.zeros_like(hs[-1])
    for t in range(T - 1, 0, -1):                   # BUG: stops at t = 1 (index 0 never visited)
        dh = dy[t] @ Why.T + dhnext
        draw = (1 - hs[t] * hs[t]) * dh
        dbh += draw.sum(axis=0)
        dWxh += X[:, t].T @ draw
        dWhh += hs[t - 1].T @ draw
        dX[:, t] = draw @ Wxh.T
        dhnext = draw @ Whh.T
    grads = {"Wx": dWxh + reg * Wxh, "Wh": dWhh + reg * Whh, "b": dbh, "Wy": dWhy + reg * Why, "by": dbo}
    if return_dX:
        return L, grads, dX
    return L, grads

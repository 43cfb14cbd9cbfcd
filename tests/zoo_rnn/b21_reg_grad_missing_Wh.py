"""RNN that penalizes all three weight matrices in the loss but adds reg * W to dWx and dWy only."""
import numpy as np

# bug: dWh lacks + reg * Wh although the loss includes (reg/2)||Wh||^2: exact at reg = 0, dWh wrong
# by -reg * Wh at reg = 0.1 (every other gradient right).
EXPECTED = {"signature": "reg_only", "params": ["Wh"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    p = params
    N, T, D = X.shape
    H = p["Wh"].shape[0]
    hs = [np.zeros((N, H))]
    for t in range(T):
        hs.append(np.tanh(np.dot(X[:, t], p["Wx"]) + np.dot(hs[t], p["Wh"]) + p["b"]))
    L = 0.0
    dy = []
    for t in range(T):
        s = np.dot(hs[t + 1], p["Wy"]) + p["by"]
        s = s - np.max(s, axis=1, keepdims=True)
        lp = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
        L -= np.sum(lp[np.arange(N), y[:, t]]) / N
        d = np.exp(lp)
        d[np.arange(N), y[:, t]] -= 1.0
        dy.append(d / N)
    L += 0.5 * reg * (np.sum(p["Wx"] ** 2) + np.sum(p["Wh"] ** 2) + np.sum(p["Wy"] ** 2))
    g = {k: np.zeros_like(v) for k, v in p.items()}
    dX = np.zeros_like(X)
    dnext = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        g["Wy"] += np.dot(hs[t + 1].T, dy[t])
        g["by"] += dy[t].sum(axis=0)
        da = (np.dot(dy[t], p["Wy"].T) + dnext) * (1 - hs[t + 1] ** 2)
        g["Wx"] += np.dot(X[:, t].T, da)
        g["Wh"] += np.dot(hs[t].T, da)
        g["b"] += da.sum(axis=0)
        dX[:, t] = np.dot(da, p["Wx"].T)
        dnext = np.dot(da, p["Wh"].T)
    g["Wx"] += reg * p["Wx"]
    g["Wy"] += reg * p["Wy"]                        # BUG: no reg * Wh for g["Wh"]
    if return_dX:
        return L, g, dX
    return L, g

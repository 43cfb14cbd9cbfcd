"""RNN whose loss averages over the batch but whose dscores forgets the 1/N."""
import numpy as np

# bug: dscores = softmax - onehot with no / N while the loss divides by N: at reg = 0 every gradient
# is N times the truth (4 at N = 4, 7 at N = 7; independent of T); the reg * W terms are right.
EXPECTED = {"signature": "uniform_scale", "params": ["Wx", "Wh", "b", "Wy", "by"], "factor_tracks": "N"}


def loss(params, X, y, reg=0.0):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    C = Wy.shape[1]
    h = np.zeros((N, H))
    cache = []
    L = 0.0
    dWy = np.zeros((H, C))
    dby = np.zeros(C)
    dh_out = []
    for t in range(T):
        h_new = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        cache.append((X[:, t], h, h_new))
        h = h_new
        s = h @ Wy + by
        s = s - s.max(axis=1)[:, None]
        lse = np.log(np.exp(s).sum(axis=1))
        L += np.sum(lse - s[np.arange(N), y[:, t]]) / N
        g = np.exp(s - lse[:, None])
        g[np.arange(N), y[:, t]] -= 1.0                 # BUG: no / N
        dWy += h.T @ g
        dby += g.sum(axis=0)
        dh_out.append(g @ Wy.T)
    L += reg / 2 * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dnext = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        x_t, h_prev, h_t = cache[t]
        da = (dh_out[t] + dnext) * (1 - h_t ** 2)
        dWx += x_t.T @ da
        dWh += h_prev.T @ da
        db += da.sum(axis=0)
        dnext = da @ Wh.T
    return L, {"Wx": dWx + reg * Wx, "Wh": dWh + reg * Wh, "b": db, "Wy": dWy + reg * Wy, "by": dby}

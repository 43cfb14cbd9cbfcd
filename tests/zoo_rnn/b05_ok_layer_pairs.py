"""RNN assembled from cs231n-style forward/backward pairs (step, temporal affine, temporal softmax)."""
import numpy as np

# Correct: the layers are written separately and chained; no dX.
EXPECTED = {"signature": "ok"}


def step_forward(x, h_prev, Wx, Wh, b):
    h_next = np.tanh(x @ Wx + h_prev @ Wh + b)
    return h_next, (x, h_prev, Wx, Wh, h_next)


def step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next * (1 - h_next ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def temporal_affine_forward(h, W, b):
    N, T, H = h.shape
    out = (h.reshape(N * T, H) @ W).reshape(N, T, -1) + b
    return out, (h, W)


def temporal_affine_backward(dout, cache):
    h, W = cache
    N, T, H = h.shape
    d2 = dout.reshape(N * T, -1)
    return (d2 @ W.T).reshape(N, T, H), h.reshape(N * T, H).T @ d2, d2.sum(axis=0)


def temporal_softmax_loss(s, y):
    N, T, C = s.shape
    flat = s.reshape(N * T, C)
    yy = y.reshape(N * T)
    shifted = flat - flat.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -logp[np.arange(N * T), yy].sum() / N
    d = np.exp(logp)
    d[np.arange(N * T), yy] -= 1
    return L, (d / N).reshape(N, T, C)


def loss(params, X, y, reg=0.0):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, _ = X.shape
    h = np.zeros((N, Wh.shape[0]))
    hs, caches = [], []
    for t in range(T):
        h, c = step_forward(X[:, t, :], h, Wx, Wh, b)
        hs.append(h)
        caches.append(c)
    H_all = np.stack(hs, axis=1)
    scores, acache = temporal_affine_forward(H_all, Wy, by)
    L, dscores = temporal_softmax_loss(scores, y)
    L += reg / 2 * (np.sum(Wx * Wx) + np.sum(Wh * Wh) + np.sum(Wy * Wy))
    dH, dWy, dby = temporal_affine_backward(dscores, acache)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dprev = np.zeros_like(h)
    for t in reversed(range(T)):
        _, dprev, dwx, dwh, dbb = step_backward(dH[:, t, :] + dprev, caches[t])
        dWx += dwx
        dWh += dwh
        db += dbb
    return L, {"Wx": dWx + reg * Wx, "Wh": dWh + reg * Wh, "b": db, "Wy": dWy + reg * Wy, "by": dby}

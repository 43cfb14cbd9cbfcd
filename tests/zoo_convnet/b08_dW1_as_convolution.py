"""Convnet whose filter gradient is computed as a convolution (taps reversed) instead of a correlation."""
# bug: dW1[f, c, p, q] takes the tap (K-1-p, K-1-q) of the correct correlation of xpad with dz, i.e. the
# filter gradient is turned by 180 degrees; b1, W2, b2 and dX are right, only W1 is wrong.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    w, b = params["W1"], params["b1"]
    v, c = params["W2"], params["b2"]
    N, Ci, H, W = X.shape
    F, _, K, _ = w.shape
    r = K // 2
    xpad = np.pad(X, ((0, 0), (0, 0), (r, r), (r, r)))
    z = np.zeros((N, F, H, W)) + b[:, None, None]
    for p in range(K):
        for q in range(K):
            z += np.einsum("nchw,fc->nfhw", xpad[:, :, p:p + H, q:q + W], w[:, :, p, q])
    act = np.maximum(z, 0)
    win = act.reshape(N, F, H // 2, 2, W // 2, 2)
    mx = win.max(axis=(3, 5), keepdims=True)
    first = np.zeros(win.shape, dtype=bool)
    taken = np.zeros(mx.shape, dtype=bool)
    for di in range(2):
        for dj in range(2):
            here = (win[:, :, :, di:di + 1, :, dj:dj + 1] == mx) & ~taken
            first[:, :, :, di:di + 1, :, dj:dj + 1] = here
            taken |= here
    pooled = mx[:, :, :, 0, :, 0]
    flat = pooled.reshape(N, -1)
    s = flat @ v + c
    s = s - s.max(axis=1, keepdims=True)
    ls = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    data = -ls[np.arange(N), y].sum() / N
    total = data + 0.5 * reg * (np.sum(w ** 2) + np.sum(v ** 2))
    ds = np.exp(ls)
    ds[np.arange(N), y] -= 1
    ds /= N
    dpool = (ds @ v.T).reshape(pooled.shape)
    dz = (first * dpool[:, :, :, None, :, None]).reshape(N, F, H, W) * (z > 0)
    dw = np.zeros_like(w)
    dxpad = np.zeros_like(xpad)
    for p in range(K):
        for q in range(K):
            dw[:, :, K - 1 - p, K - 1 - q] = np.einsum("nfhw,nchw->fc", dz, xpad[:, :, p:p + H, q:q + W])
            dxpad[:, :, p:p + H, q:q + W] += np.einsum("nfhw,fc->nchw", dz, w[:, :, p, q])
    grads = {"W1": dw + reg * w, "b1": dz.sum(axis=(0, 2, 3)), "W2": flat.T @ ds + reg * v, "b2": ds.sum(axis=0)}
    if return_dX:
        return total, grads, dxpad[:, :, r:r + H, r:r + W]
    return total, grads

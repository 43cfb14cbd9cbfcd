"""Convnet whose loss is the batch mean but whose dscores is never divided by N."""
# bug: dscores = softmax - onehot without / N: at reg = 0 every gradient (W1, b1, W2, b2, and dX) is
# N times the true one (3 at N = 3, 5 at N = 5, 6 at N = 6); reg * W is added unscaled, so the change
# from reg = 0 to reg > 0 is right.
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

EXPECTED = {"signature": "uniform_scale", "factor_tracks": "N"}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = len(X)
    K = W1.shape[-1]
    m = K // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (m, m), (m, m)))
    V = sliding_window_view(Xp, (K, K), axis=(2, 3))
    Z = np.tensordot(V, W1, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2) + b1[:, None, None]
    A = Z * (Z > 0)
    _, F, H, W = A.shape
    R = A.reshape(N, F, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H // 2, W // 2, 4)
    best = R.argmax(-1)
    Pm = np.take_along_axis(R, best[..., None], -1)[..., 0]
    h = Pm.reshape(N, -1)
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -lp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    ds = np.exp(lp)
    ds[np.arange(N), y] -= 1.0
    dPm = (ds @ W2.T).reshape(Pm.shape)
    dR = np.zeros_like(R)
    np.put_along_axis(dR, best[..., None], dPm[..., None], -1)
    dZ = dR.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W) * (Z > 0)
    grads = {"W1": np.einsum("nchwpq,nfhw->fcpq", V, dZ) + reg * W1, "b1": dZ.sum(axis=(0, 2, 3)),
             "W2": h.T @ ds + reg * W2, "b2": ds.sum(axis=0)}
    if not return_dX:
        return L, grads
    dXp = np.zeros_like(Xp)
    for p in range(K):
        for q in range(K):
            dXp[:, :, p:p + H, q:q + W] += np.einsum("nfhw,fc->nchw", dZ, W1[:, :, p, q])
    return L, grads, dXp[:, :, m:m + H, m:m + W]

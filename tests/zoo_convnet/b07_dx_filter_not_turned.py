"""Convnet whose dX is a full correlation of dz with the filters, channel axes swapped but not turned."""
# bug: dX correlates the padded dz with W1 transposed to (Cin, F, K, K) but not rotated by 180 degrees
# (the transpose of a correlation needs W1[:, :, ::-1, ::-1]); W1, b1, W2, b2 are right, only dX is wrong.
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as windows

EXPECTED = {"signature": "localized", "params": ["X"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    K = W1.shape[-1]
    pad = K // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = windows(Xp, (K, K), axis=(2, 3))                  # (N, Cin, H, W, K, K)
    z = np.einsum("ncijab,fcab->nfij", cols, W1) + b1[None, :, None, None]
    a = np.maximum(z, 0.0)
    N, F, H, W = a.shape
    blocks = windows(a, (2, 2), axis=(2, 3))[:, :, ::2, ::2]  # (N, F, H/2, W/2, 2, 2)
    flatb = blocks.reshape(N, F, H // 2, W // 2, 4)
    k = flatb.argmax(-1)
    pooled = flatb.max(-1)
    h = pooled.reshape(N, -1)
    scores = h @ W2 + b2
    scores = scores - scores.max(1, keepdims=True)
    lsm = scores - np.log(np.exp(scores).sum(1, keepdims=True))
    L = -lsm[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = np.exp(lsm)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dh = (dscores @ W2.T).reshape(pooled.shape)
    sel = (np.arange(4) == k[..., None]) * dh[..., None]      # (N, F, H/2, W/2, 4)
    da = sel.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W)
    dz = da * (z > 0)
    grads = {
        "W1": np.einsum("ncijab,nfij->fcab", cols, dz) + reg * W1,
        "b1": dz.sum(axis=(0, 2, 3)),
        "W2": h.T @ dscores + reg * W2,
        "b2": dscores.sum(0),
    }
    if return_dX:
        dzp = np.pad(dz, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        dX = np.einsum("nfijab,cfab->ncij", windows(dzp, (K, K), axis=(2, 3)), W1.transpose(1, 0, 2, 3))
        return L, grads, dX
    return L, grads

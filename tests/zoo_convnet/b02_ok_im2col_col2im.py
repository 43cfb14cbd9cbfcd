"""Convnet built on im2col: the convolution is one matrix product, dX comes back through col2im."""
# correct: cols (N*H*W, Cin*K*K) @ W1 reshaped (Cin*K*K, F); the pool is a reshape to windows and
# an argmax; col2im scatters the column gradient back with np.add.at and strips the padding.
import numpy as np

EXPECTED = {"signature": "ok"}


def _indices(C, H, W, K):
    P = (K - 1) // 2
    ch = np.repeat(np.arange(C), K * K)
    di = np.tile(np.repeat(np.arange(K), K), C)
    dj = np.tile(np.arange(K), K * C)
    oi = np.repeat(np.arange(H), W)
    oj = np.tile(np.arange(W), H)
    rows = oi[:, None] + di[None, :]
    cols = oj[:, None] + dj[None, :]
    return P, ch[None, :], rows, cols


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P, ch, rows, cols = _indices(C, H, W, K)
    xpad = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)), mode="constant")
    patches = xpad[:, ch, rows, cols]                       # (N, H*W, C*K*K)
    Wmat = W1.reshape(F, -1).T                               # (C*K*K, F)
    out = patches @ Wmat + b1                                # (N, H*W, F)
    z = out.transpose(0, 2, 1).reshape(N, F, H, W)
    a = z * (z > 0)
    win = a.reshape(N, F, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H // 2, W // 2, 4)
    arg = win.argmax(axis=4)
    pooled = np.take_along_axis(win, arg[..., None], axis=4).squeeze(4)
    feats = pooled.reshape(N, -1)
    s = feats @ W2 + b2
    s = s - s.max(axis=1)[:, None]
    lse = np.log(np.exp(s).sum(axis=1))
    data = np.mean(lse - s[np.arange(N), y])
    total = data + reg / 2.0 * ((W1 ** 2).sum() + (W2 ** 2).sum())

    g = np.exp(s - lse[:, None])
    g[np.arange(N), y] -= 1
    g = g / N
    gW2 = feats.T @ g + reg * W2
    gb2 = g.sum(axis=0)
    gpool = (g @ W2.T).reshape(pooled.shape)
    gwin = np.zeros(win.shape)
    np.put_along_axis(gwin, arg[..., None], gpool[..., None], axis=4)
    ga = gwin.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W)
    gz = ga * (z > 0)
    gout = gz.reshape(N, F, H * W).transpose(0, 2, 1)       # (N, H*W, F)
    gW1 = np.einsum("npk,npf->kf", patches, gout).T.reshape(W1.shape) + reg * W1
    gb1 = gout.sum(axis=(0, 1))
    grads = {"W1": gW1, "b1": gb1, "W2": gW2, "b2": gb2}
    if not return_dX:
        return total, grads
    gpatches = gout @ Wmat.T                                 # (N, H*W, C*K*K)
    gxpad = np.zeros_like(xpad)
    for n in range(N):
        np.add.at(gxpad[n], (np.broadcast_to(ch, rows.shape), rows, cols), gpatches[n])
    return total, grads, gxpad[:, :, P:P + H, P:P + W]

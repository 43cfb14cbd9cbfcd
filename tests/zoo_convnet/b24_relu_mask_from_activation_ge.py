"""Convnet whose ReLU backward masks with (a >= 0) on the activation a = max(z, 0)."""
# bug: a >= 0 is true everywhere, so there is no ReLU mask: a window whose four z are negative routes its
# gradient to its first entry (all a are 0) and that gradient reaches W1 and b1 through a z < 0.
# W2 and b2 are right; W1 and b1 are wrong on every problem that has such a window (and under dead filters).
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    pre = np.zeros((N, F, H, W))
    for p in range(K):
        for q in range(K):
            pre += np.tensordot(W1[:, :, p, q], Xp[:, :, p:p + H, q:q + W], axes=([1], [1])).transpose(1, 0, 2, 3)
    pre += b1[:, None, None]
    a = np.maximum(pre, 0)
    H2, W2_ = H // 2, W // 2
    cells = a.reshape(N, F, H2, 2, W2_, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H2, W2_, 4)
    am = cells.argmax(axis=4)
    pooled = cells.max(axis=4)
    flat = pooled.reshape(N, -1)
    sc = flat @ W2 + b2
    sc -= sc.max(axis=1, keepdims=True)
    lp = sc - np.log(np.exp(sc).sum(axis=1, keepdims=True))
    L = -lp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    d = np.exp(lp)
    d[np.arange(N), y] -= 1
    d /= N
    dpooled = (d @ W2.T).reshape(pooled.shape)
    dcells = np.zeros_like(cells)
    np.put_along_axis(dcells, am[..., None], dpooled[..., None], axis=4)
    da = dcells.reshape(N, F, H2, W2_, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W)
    dpre = da * (a >= 0)
    dW1 = np.zeros_like(W1)
    dXp = np.zeros_like(Xp)
    for p in range(K):
        for q in range(K):
            dW1[:, :, p, q] = np.tensordot(dpre, Xp[:, :, p:p + H, q:q + W], axes=([0, 2, 3], [0, 2, 3]))
            dXp[:, :, p:p + H, q:q + W] += np.tensordot(dpre, W1[:, :, p, q], axes=([1], [0])).transpose(0, 3, 1, 2)
    grads = {"W1": dW1 + reg * W1, "b1": dpre.sum(axis=(0, 2, 3)), "W2": flat.T @ d + reg * W2, "b2": d.sum(axis=0)}
    if return_dX:
        return L, grads, dXp[:, :, P:P + H, P:P + W]
    return L, grads

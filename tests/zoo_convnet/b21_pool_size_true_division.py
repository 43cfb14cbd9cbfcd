"""Convnet whose pooling reshape uses H / 2 and W / 2 (true division) for the pooled sizes."""
# bug: a.reshape(N, F, H / 2, 2, W / 2, 2) gets float sizes and raises TypeError ('float' object cannot
# be interpreted as an integer) on every call, whatever the sizes: not a shape or broadcast error.
import numpy as np

EXPECTED = {"signature": "crash"}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    z = np.zeros((N, F, H, W))
    for p in range(K):
        for q in range(K):
            z += np.einsum("nchw,fc->nfhw", Xp[:, :, p:p + H, q:q + W], W1[:, :, p, q])
    z += b1[:, None, None]
    a = np.maximum(z, 0)
    six = a.reshape(N, F, H / 2, 2, W / 2, 2)
    pooled = six.max(axis=(3, 5))
    flat = pooled.reshape(N, -1)
    s = flat @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -lp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    ds = np.exp(lp)
    ds[np.arange(N), y] -= 1
    ds /= N
    dpool = (ds @ W2.T).reshape(pooled.shape)
    mask = six == pooled[:, :, :, None, :, None]
    dz = (mask * dpool[:, :, :, None, :, None]).reshape(z.shape) * (z > 0)
    dW1 = np.zeros_like(W1)
    dXp = np.zeros_like(Xp)
    for p in range(K):
        for q in range(K):
            dW1[:, :, p, q] = np.einsum("nfhw,nchw->fc", dz, Xp[:, :, p:p + H, q:q + W])
            dXp[:, :, p:p + H, q:q + W] += np.einsum("nfhw,fc->nchw", dz, W1[:, :, p, q])
    grads = {"W1": dW1 + reg * W1, "b1": dz.sum((0, 2, 3)), "W2": flat.T @ ds + reg * W2, "b2": ds.sum(0)}
    if return_dX:
        return L, grads, dXp[:, :, P:P + H, P:P + W]
    return L, grads

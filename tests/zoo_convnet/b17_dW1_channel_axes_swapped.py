"""Convnet whose filter gradient comes out with its filter and channel axes swapped."""
# bug: dW1 = einsum("nfhw,nchwpq->cfpq") has shape (Cin, F, K, K) instead of (F, Cin, K, K);
# b1, W2 and b2 are right (with Cin == F the shape would match and the values would be transposed).
import numpy as np

EXPECTED = {"signature": "shape_error", "params": ["W1"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    s0, s1, s2, s3 = Xp.strides
    patches = np.lib.stride_tricks.as_strided(Xp, (N, C, H, W, K, K), (s0, s1, s2, s3, s2, s3))
    z = np.einsum("nchwpq,fcpq->nfhw", patches, W1) + b1[:, None, None]
    a = np.maximum(z, 0)
    quad = a.reshape(N, F, H // 2, 2, W // 2, 2)
    mx = quad.max(axis=(3, 5))
    flat = mx.reshape(N, -1)
    sc = flat @ W2 + b2
    sc = sc - sc.max(1, keepdims=True)
    lsm = sc - np.log(np.exp(sc).sum(1, keepdims=True))
    L = -lsm[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    g = np.exp(lsm)
    g[np.arange(N), y] -= 1
    g /= N
    gmx = (g @ W2.T).reshape(mx.shape)
    lin = quad.transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H // 2, W // 2, 4)
    hot = np.eye(4)[lin.argmax(-1)] * gmx[..., None]
    gz = hot.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W) * (z > 0)
    gW1 = np.einsum("nfhw,nchwpq->cfpq", gz, patches)
    grads = {"W1": gW1 + reg * W1.transpose(1, 0, 2, 3), "b1": gz.sum(axis=(0, 2, 3)),
             "W2": flat.T @ g + reg * W2, "b2": g.sum(0)}
    if return_dX:
        gXp = np.zeros_like(Xp)
        for p in range(K):
            for q in range(K):
                gXp[:, :, p:p + H, q:q + W] += np.einsum("nfhw,fc->nchw", gz, W1[:, :, p, q])
        return L, grads, gXp[:, :, P:P + H, P:P + W]
    return L, grads

"""Convnet whose dX is pushed back from the pool gradient da, not from the masked dz."""
# bug: dW1 and db1 use dz = da * (z > 0), but dX is the transposed convolution of da itself:
# entries routed to a z < 0 (windows with four negative z) leak into dX; W1, b1, W2, b2 are right.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["X"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, Ci, H, W = X.shape
    F, _, K, _ = W1.shape
    P = K // 2
    xpad = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    # patches: (N, H, W, Ci, K, K)
    patches = np.empty((N, H, W, Ci, K, K))
    for i in range(H):
        for j in range(W):
            patches[:, i, j] = xpad[:, :, i:i + K, j:j + K]
    z = np.einsum("nhwckl,fckl->nfhw", patches, W1) + b1[None, :, None, None]
    a = np.maximum(z, 0)
    win = a.reshape(N, F, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H // 2, W // 2, 4)
    arg = win.argmax(-1)
    pool = win.max(-1)
    flat = pool.reshape(N, -1)
    scores = flat @ W2 + b2
    scores -= scores.max(axis=1, keepdims=True)
    lp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    L = -lp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    g = np.exp(lp)
    g[np.arange(N), y] -= 1
    g /= N
    gpool = (g @ W2.T).reshape(pool.shape)
    gwin = (arg[..., None] == np.arange(4)) * gpool[..., None]
    da = gwin.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W)
    dz = da * (z > 0)
    grads = {"W1": np.einsum("nfhw,nhwckl->fckl", dz, patches) + reg * W1, "b1": dz.sum(axis=(0, 2, 3)),
             "W2": flat.T @ g + reg * W2, "b2": g.sum(axis=0)}
    if not return_dX:
        return L, grads
    dpatches = np.einsum("nfhw,fckl->nhwckl", da, W1)
    dxpad = np.zeros_like(xpad)
    for i in range(H):
        for j in range(W):
            dxpad[:, :, i:i + K, j:j + K] += dpatches[:, i, j]
    return L, grads, dxpad[:, :, P:P + H, P:P + W]

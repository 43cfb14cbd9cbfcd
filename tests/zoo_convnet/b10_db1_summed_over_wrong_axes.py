"""Convnet whose filter-bias gradient sums dz over the batch and the rows but forgets the columns."""
# bug: db1 = dz.sum(axis=(0, 2)) has shape (F, Win) instead of (F,); W1, W2, b2 are right.
import numpy as np

EXPECTED = {"signature": "shape_error", "params": ["b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = K // 2
    xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    ii, jj = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    z = np.empty((N, F, H, W))
    for i, j in zip(ii.ravel(), jj.ravel()):
        z[:, :, i, j] = np.tensordot(xp[:, :, i:i + K, j:j + K], W1, axes=([1, 2, 3], [1, 2, 3])) + b1
    a = np.clip(z, 0, None)
    t = a.reshape(N, F, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H // 2, W // 2, 4)
    j4 = t.argmax(axis=-1)
    p = t.max(axis=-1)
    f = p.reshape(N, -1)
    sc = f @ W2 + b2
    sc = sc - sc.max(axis=1, keepdims=True)
    lp = sc - np.log(np.sum(np.exp(sc), axis=1, keepdims=True))
    L = -np.mean(lp[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    g = np.exp(lp)
    g[np.arange(N), y] -= 1
    g /= N
    gp = (g @ W2.T).reshape(p.shape)
    gt = np.zeros_like(t)
    np.put_along_axis(gt, j4[..., None], gp[..., None], axis=-1)
    ga = gt.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W)
    gz = ga * (z > 0)
    gW1 = np.zeros_like(W1)
    for i, j in zip(ii.ravel(), jj.ravel()):
        gW1 += np.tensordot(gz[:, :, i, j], xp[:, :, i:i + K, j:j + K], axes=([0], [0]))
    grads = {"W1": gW1 + reg * W1, "b1": gz.sum(axis=(0, 2)), "W2": f.T @ g + reg * W2, "b2": g.sum(axis=0)}
    return L, grads

"""Convnet that starts dW2 from the regularization term and accumulates into it in place."""
# bug: dW2 = W2; dW2 *= reg; dW2 += flat.T @ dscores -- dW2 is the caller's W2 array, so params["W2"]
# is overwritten with the gradient (the returned gradients themselves have the right values).
import numpy as np

EXPECTED = {"signature": "mutates_input"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    z = np.empty((N, F, H, W))
    for f in range(F):
        acc = np.full((N, H, W), b1[f])
        for c in range(C):
            for p in range(K):
                for q in range(K):
                    acc += W1[f, c, p, q] * Xp[:, c, p:p + H, q:q + W]
        z[:, f] = acc
    a = np.maximum(z, 0)
    t = a.reshape(N, F, H // 2, 2, W // 2, 2)
    pooled = t.max(axis=5).max(axis=3)
    flat = pooled.reshape(N, -1)
    L2 = 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    scores = flat @ W2 + b2
    sh = scores - scores.max(axis=1, keepdims=True)
    lp = sh - np.log(np.exp(sh).sum(axis=1, keepdims=True))
    L = -lp[np.arange(N), y].mean() + L2
    ds = np.exp(lp)
    ds[np.arange(N), y] -= 1
    ds /= N
    dpool = (ds @ W2.T).reshape(pooled.shape)
    dW2 = W2
    dW2 *= reg
    dW2 += flat.T @ ds
    wins = t.transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H // 2, W // 2, 4)
    sel = np.eye(4)[wins.argmax(-1)] * dpool[..., None]
    dz = sel.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W) * (z > 0)
    dW1 = np.empty_like(W1)
    for f in range(F):
        for c in range(C):
            for p in range(K):
                for q in range(K):
                    dW1[f, c, p, q] = np.sum(dz[:, f] * Xp[:, c, p:p + H, q:q + W])
    return L, {"W1": dW1 + reg * W1, "b1": dz.sum(axis=(0, 2, 3)), "W2": dW2, "b2": ds.sum(axis=0)}

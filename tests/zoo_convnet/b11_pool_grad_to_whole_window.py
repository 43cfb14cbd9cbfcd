"""Convnet whose max-pool backward copies each window's gradient onto all four of its entries."""
# bug: da = np.kron(dpooled, ones((2, 2))) with no argmax mask, so the three non-maximal entries of
# every window get gradient too (those with z > 0 pass the ReLU); W2 and b2 are right, W1 and b1 are not.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n, c, h, w = X.shape
    f, _, k, _ = W1.shape
    s = (k - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (s, s), (s, s)))
    Z = np.zeros((n, f, h, w))
    for i in range(h):
        for j in range(w):
            Z[:, :, i, j] = np.einsum("nckl,fckl->nf", Xp[:, :, i:i + k, j:j + k], W1)
    Z += b1[None, :, None, None]
    A = np.maximum(Z, 0)
    pooled = np.maximum(np.maximum(A[:, :, 0::2, 0::2], A[:, :, 0::2, 1::2]),
                        np.maximum(A[:, :, 1::2, 0::2], A[:, :, 1::2, 1::2]))
    feats = pooled.reshape(n, -1)
    scores = feats @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    L = -logp[np.arange(n), y].mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dS = np.exp(logp)
    dS[np.arange(n), y] -= 1
    dS /= n
    dW2 = feats.T @ dS + reg * W2
    db2 = dS.sum(axis=0)
    dpooled = (dS @ W2.T).reshape(pooled.shape)
    dA = np.kron(dpooled, np.ones((1, 1, 2, 2)))
    dZ = dA * (Z > 0)
    dW1 = np.zeros_like(W1)
    for i in range(h):
        for j in range(w):
            dW1 += np.einsum("nf,nckl->fckl", dZ[:, :, i, j], Xp[:, :, i:i + k, j:j + k])
    return L, {"W1": dW1 + reg * W1, "b1": dZ.sum(axis=(0, 2, 3)), "W2": dW2, "b2": db2}

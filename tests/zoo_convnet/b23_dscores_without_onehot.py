"""Convnet whose dscores is the softmax divided by N, without subtracting 1 at the labels."""
# bug: dscores = softmax / N (the - onehot(y) is missing): W1, b1, W2 and b2 are all wrong, with
# different ratios to the truth per entry and per parameter (no common factor); db2 sums to 1, not 0.
import numpy as np

EXPECTED = {"signature": "mixed"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    cols = np.stack([Xp[:, :, p:p + H, q:q + W] for p in range(K) for q in range(K)], axis=-1)
    cols = cols.transpose(0, 2, 3, 1, 4).reshape(N * H * W, C * K * K)
    z = (cols @ W1.reshape(F, -1).T + b1).reshape(N, H, W, F)   # channels last
    a = np.maximum(z, 0)
    quads = a.reshape(N, H // 2, 2, W // 2, 2, F)
    pooled = quads.max(axis=(2, 4))                                 # (N, H/2, W/2, F)
    pooled_cf = pooled.transpose(0, 3, 1, 2)                        # (N, F, H/2, W/2)
    flat = pooled_cf.reshape(N, -1)
    s = flat @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    logprob = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    prob = np.exp(logprob)
    L = -np.mean(logprob[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    ds = prob / N
    dflat = ds @ W2.T
    dpool = dflat.reshape(pooled_cf.shape).transpose(0, 2, 3, 1)    # back to channels last
    lin = quads.transpose(0, 1, 3, 5, 2, 4).reshape(N, H // 2, W // 2, F, 4)
    hot = np.eye(4)[lin.argmax(-1)] * dpool[..., None]
    dz = hot.reshape(N, H // 2, W // 2, F, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(N, H, W, F) * (z > 0)
    dW1 = (dz.reshape(-1, F).T @ cols).reshape(W1.shape)
    return L, {"W1": dW1 + reg * W1, "b1": dz.sum(axis=(0, 1, 2)), "W2": flat.T @ ds + reg * W2, "b2": ds.sum(axis=0)}

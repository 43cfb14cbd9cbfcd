"""Convnet whose max-pool backward builds its mask from the input images X instead of the ReLU output."""
# bug: mask = (X == window max of X) has shape (N, Cin, Hin, Win); multiplying it with the upsampled
# dpooled of shape (N, F, Hin, Win) raises a broadcast ValueError whenever Cin != F.
import numpy as np

EXPECTED = {"signature": "shape_error", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, Cin, H, W = X.shape
    F, _, K, _ = W1.shape
    P = K // 2
    xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    z = sum(np.einsum("nchw,fc->nfhw", xp[:, :, p:p + H, q:q + W], W1[:, :, p, q])
            for p in range(K) for q in range(K)) + b1[:, None, None]
    relu = np.maximum(z, 0)
    pooled = relu.reshape(N, F, H // 2, 2, W // 2, 2).max(axis=(3, 5))
    flat = pooled.reshape(N, -1)
    scores = flat @ W2 + b2
    shift = scores - scores.max(axis=1, keepdims=True)
    logp = shift - np.log(np.exp(shift).sum(axis=1, keepdims=True))
    L = -logp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dscores = np.exp(logp)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    up = lambda t: t.repeat(2, axis=2).repeat(2, axis=3)
    xmax = X.reshape(N, Cin, H // 2, 2, W // 2, 2).max(axis=(3, 5))
    mask = X == up(xmax)
    drelu = mask * up((dscores @ W2.T).reshape(pooled.shape))
    dz = drelu * (z > 0)
    dW1 = np.zeros_like(W1)
    for p in range(K):
        for q in range(K):
            dW1[:, :, p, q] = np.einsum("nfhw,nchw->fc", dz, xp[:, :, p:p + H, q:q + W])
    return L, {"W1": dW1 + reg * W1, "b1": dz.sum(axis=(0, 2, 3)), "W2": flat.T @ dscores + reg * W2,
               "b2": dscores.sum(axis=0)}

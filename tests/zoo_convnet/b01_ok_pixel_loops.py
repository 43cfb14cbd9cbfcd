"""Convnet written as explicit loops over examples, filters and output pixels, pooling by argmax."""
# correct: every sum of the forward pass is a Python loop; the backward pass replays the same loops
# and accumulates into dW1, db1 and the pooled positions in the same order.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C_in, H, W = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    xp = np.zeros((N, C_in, H + 2 * P, W + 2 * P))
    xp[:, :, P:P + H, P:P + W] = X
    z = np.zeros((N, F, H, W))
    for n in range(N):
        for f in range(F):
            for i in range(H):
                for j in range(W):
                    z[n, f, i, j] = np.sum(xp[n, :, i:i + K, j:j + K] * W1[f]) + b1[f]
    a = np.maximum(z, 0.0)
    Ho, Wo = H // 2, W // 2
    pooled = np.zeros((N, F, Ho, Wo))
    where = np.zeros((N, F, Ho, Wo, 2), dtype=int)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    block = a[n, f, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
                    r, c = np.unravel_index(np.argmax(block), (2, 2))
                    where[n, f, i, j] = (2 * i + r, 2 * j + c)
                    pooled[n, f, i, j] = block[r, c]
    flat = pooled.reshape(N, -1)
    scores = flat.dot(W2) + b2
    m = scores.max(axis=1, keepdims=True)
    logp = scores - m - np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    L = -np.mean(logp[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = np.exp(logp)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dW2 = flat.T.dot(dscores) + reg * W2
    db2 = dscores.sum(axis=0)
    dpooled = dscores.dot(W2.T).reshape(pooled.shape)
    dz = np.zeros_like(z)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    r, c = where[n, f, i, j]
                    if z[n, f, r, c] > 0:
                        dz[n, f, r, c] += dpooled[n, f, i, j]
    dW1 = np.zeros_like(W1)
    db1 = np.zeros_like(b1)
    for n in range(N):
        for f in range(F):
            for i in range(H):
                for j in range(W):
                    g = dz[n, f, i, j]
                    if g != 0.0:
                        dW1[f] += g * xp[n, :, i:i + K, j:j + K]
                        db1[f] += g
    dW1 += reg * W1
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

"""Convnet (im2col) whose dX is the gradient of the padded image, returned without removing the padding."""
# bug: col2im accumulates into the padded buffer (N, Cin, Hin+K-1, Win+K-1) and returns it whole:
# dX has shape (N, Cin, Hin+2P, Win+2P) instead of (N, Cin, Hin, Win); every parameter gradient is right.
import numpy as np

EXPECTED = {"signature": "shape_error", "params": ["X"]}


def im2col(xp, K, H, W):
    N, C = xp.shape[:2]
    out = np.empty((N, H, W, C, K, K))
    for i in range(H):
        for j in range(W):
            out[:, i, j] = xp[:, :, i:i + K, j:j + K]
    return out.reshape(N * H * W, C * K * K)


def col2im(cols, shape, K, H, W):
    N, C = shape[:2]
    dxp = np.zeros(shape)
    blocks = cols.reshape(N, H, W, C, K, K)
    for i in range(H):
        for j in range(W):
            dxp[:, :, i:i + K, j:j + K] += blocks[:, i, j]
    return dxp


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    cols = im2col(xp, K, H, W)                             # (N*H*W, C*K*K)
    out = cols @ W1.reshape(F, -1).T + b1                  # (N*H*W, F)
    z = out.reshape(N, H, W, F).transpose(0, 3, 1, 2)
    a = np.maximum(z, 0)
    w4 = a.reshape(N, F, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(-1, 4)
    am = np.argmax(w4, axis=1)
    pooled = w4[np.arange(w4.shape[0]), am].reshape(N, F, H // 2, W // 2)
    flat = pooled.reshape(N, -1)
    scores = flat @ W2 + b2
    scores -= scores.max(axis=1, keepdims=True)
    logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    L = -np.mean(logp[np.arange(N), y]) + reg / 2 * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    d = np.exp(logp)
    d[np.arange(N), y] -= 1
    d /= N
    dflat = d @ W2.T
    dw4 = np.zeros_like(w4)
    dw4[np.arange(w4.shape[0]), am] = dflat.reshape(-1)
    da = dw4.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W)
    dz = da * (z > 0)
    dout = dz.transpose(0, 2, 3, 1).reshape(-1, F)
    grads = {"W1": (dout.T @ cols).reshape(W1.shape) + reg * W1, "b1": dout.sum(axis=0),
             "W2": flat.T @ d + reg * W2, "b2": d.sum(axis=0)}
    if return_dX:
        dX = col2im(dout @ W1.reshape(F, -1), xp.shape, K, H, W)
        return L, grads, dX
    return L, grads

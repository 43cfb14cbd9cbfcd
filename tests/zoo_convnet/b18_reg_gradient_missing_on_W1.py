"""Convnet whose loss penalizes W1 and W2 but whose backward adds reg * W only to dW2."""
# bug: dW1 lacks + reg * W1: every gradient is right at reg = 0; at reg = 0.1 dW1 is off by exactly
# reg * W1 while b1, W2, b2 stay right.
import numpy as np

EXPECTED = {"signature": "reg_only", "params": ["W1"]}


def _conv(xp, w, H, W):
    K = w.shape[-1]
    return np.stack([np.stack([np.tensordot(xp[:, :, i:i + K, j:j + K], w, axes=([1, 2, 3], [1, 2, 3]))
                               for j in range(W)], axis=-1) for i in range(H)], axis=-2)


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = K // 2
    xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    z = _conv(xp, W1, H, W) + b1.reshape(1, F, 1, 1)          # (N, F, H, W)
    a = np.maximum(z, 0)
    blocks = a.reshape(N, F, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H // 2, W // 2, 4)
    k = blocks.argmax(-1)
    pooled = blocks.max(-1)
    flat = pooled.reshape(N, -1)
    scores = flat @ W2 + b2
    z_s = scores - scores.max(axis=1, keepdims=True)
    logp = z_s - np.log(np.exp(z_s).sum(axis=1, keepdims=True))
    data = -logp[np.arange(N), y].mean()
    L = data + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    d = np.exp(logp)
    d[np.arange(N), y] -= 1
    d /= N
    dW2 = flat.T @ d + reg * W2
    db2 = d.sum(0)
    dblocks = (np.arange(4) == k[..., None]) * (d @ W2.T).reshape(pooled.shape)[..., None]
    dz = dblocks.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H, W) * (z > 0)
    dW1 = np.zeros_like(W1)
    dxp = np.zeros_like(xp)
    for i in range(H):
        for j in range(W):
            dW1 += np.tensordot(dz[:, :, i, j], xp[:, :, i:i + K, j:j + K], axes=([0], [0]))
            dxp[:, :, i:i + K, j:j + K] += np.tensordot(dz[:, :, i, j], W1, axes=([1], [0]))
    grads = {"W1": dW1, "b1": dz.sum((0, 2, 3)), "W2": dW2, "b2": db2}
    if return_dX:
        return L, grads, dxp[:, :, P:P + H, P:P + W]
    return L, grads

"""Convnet that flattens the pooled maps in (F, H', W') order but unflattens their gradient as (H', W', F)."""
# bug: dpooled = dflat.reshape(N, H', W', F).transpose(0, 3, 1, 2): same shape as pooled, entries sent to
# the wrong filter and position; W2 and b2 are right, W1 and b1 are wrong with no common factor.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    Hp, Wp = H // 2, W // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    conv = np.zeros((N, F, H, W))
    for n in range(N):
        for i in range(H):
            for j in range(W):
                patch = Xp[n, :, i:i + K, j:j + K].ravel()
                conv[n, :, i, j] = W1.reshape(F, -1) @ patch + b1
    relu = np.maximum(conv, 0)
    win = relu.reshape(N, F, Hp, 2, Wp, 2).swapaxes(3, 4).reshape(N, F, Hp, Wp, 4)
    arg = win.argmax(axis=-1)
    pooled = win.max(axis=-1)
    flat = pooled.reshape(N, F * Hp * Wp)
    logits = flat @ W2 + b2
    logits = logits - logits.max(axis=1, keepdims=True)
    logq = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    L = -logq[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dlog = np.exp(logq)
    dlog[np.arange(N), y] -= 1
    dlog /= N
    dflat = dlog @ W2.T
    dpooled = dflat.reshape(N, Hp, Wp, F).transpose(0, 3, 1, 2)
    dwin = (np.arange(4) == arg[..., None]) * dpooled[..., None]
    drelu = dwin.reshape(N, F, Hp, Wp, 2, 2).swapaxes(3, 4).reshape(N, F, H, W)
    dconv = drelu * (conv > 0)
    dW1 = np.zeros((F, C * K * K))
    for n in range(N):
        for i in range(H):
            for j in range(W):
                dW1 += np.outer(dconv[n, :, i, j], Xp[n, :, i:i + K, j:j + K].ravel())
    grads = {"W1": dW1.reshape(W1.shape) + reg * W1, "b1": dconv.sum(axis=(0, 2, 3)),
             "W2": flat.T @ dlog + reg * W2, "b2": dlog.sum(axis=0)}
    return L, grads

"""Convnet whose max-pool backward finds each window's maximum in the pre-ReLU z instead of in a."""
# correct (equivalent): where a window holds a positive z, its largest z is also its largest a; where
# all four z are negative, the routed gradient lands on a z < 0 and the ReLU mask applied next zeroes it.
import numpy as np

EXPECTED = {"signature": "ok"}


def conv_forward(x, w, b):
    n, c, h, wd = x.shape
    f, _, k, _ = w.shape
    p = k // 2
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    out = np.empty((n, f, h, wd))
    for i in range(h):
        for j in range(wd):
            patch = xp[:, :, i:i + k, j:j + k].reshape(n, -1)
            out[:, :, i, j] = patch @ w.reshape(f, -1).T + b
    return out, (xp, w)


def conv_backward(dout, cache):
    xp, w = cache
    n, f, h, wd = dout.shape
    k = w.shape[2]
    p = k // 2
    dw = np.zeros_like(w)
    dxp = np.zeros_like(xp)
    for i in range(h):
        for j in range(wd):
            g = dout[:, :, i, j]                                  # (n, f)
            dw += np.einsum("nf,nckl->fckl", g, xp[:, :, i:i + k, j:j + k])
            dxp[:, :, i:i + k, j:j + k] += np.einsum("nf,fckl->nckl", g, w)
    return dxp[:, :, p:p + h, p:p + wd], dw, dout.sum(axis=(0, 2, 3))


def loss(params, X, y, reg=0.0, return_dX=False):
    z, cache = conv_forward(X, params["W1"], params["b1"])
    a = np.maximum(z, 0)
    n, f, h, w = a.shape
    a6 = a.reshape(n, f, h // 2, 2, w // 2, 2)
    pooled = a6.max(axis=(3, 5))
    flat = pooled.reshape(n, -1)
    scores = flat @ params["W2"] + params["b2"]
    sh = scores - scores.max(axis=1, keepdims=True)
    logp = sh - np.log(np.exp(sh).sum(axis=1, keepdims=True))
    L = -logp[np.arange(n), y].mean() + 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    d /= n
    dW2 = flat.T @ d + reg * params["W2"]
    db2 = d.sum(axis=0)
    dpool = (d @ params["W2"].T).reshape(pooled.shape)
    # routing: the argmax of each window of z (pre-activation), first one in row-major order
    zw = z.reshape(n, f, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, f, h // 2, w // 2, 4)
    onehot = np.eye(4)[zw.argmax(axis=-1)]                        # (n, f, h/2, w/2, 4)
    da = (onehot * dpool[..., None]).reshape(n, f, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, f, h, w)
    dz = da * (z > 0)
    dX, dW1, db1 = conv_backward(dz, cache)
    grads = {"W1": dW1 + reg * params["W1"], "b1": db1, "W2": dW2, "b2": db2}
    return (L, grads, dX) if return_dX else (L, grads)

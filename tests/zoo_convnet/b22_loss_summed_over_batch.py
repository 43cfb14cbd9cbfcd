"""Convnet whose returned loss sums the cross-entropy over the batch while the backward pass averages."""
# bug: the loss is sum over n of the cross-entropy (N times the mean) plus the penalty; every gradient
# equals the correct (mean) one, so the gradients disagree with the returned loss, not with the reference.
import numpy as np

EXPECTED = {"signature": "loss_mismatch"}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    nb, nc, nh, nw = X.shape
    nf, _, k, _ = W1.shape
    o = k // 2
    img = np.pad(X, ((0, 0), (0, 0), (o, o), (o, o)))
    rows = np.arange(nh)[:, None, None, None] + np.arange(k)[None, None, :, None]
    cols = np.arange(nw)[None, :, None, None] + np.arange(k)[None, None, None, :]
    patch = img[:, :, rows, cols]                         # (nb, nc, nh, nw, k, k)
    fmap = np.einsum("bchwij,fcij->bfhw", patch, W1) + b1[None, :, None, None]
    on = fmap > 0
    act = np.where(on, fmap, 0.0)
    grid = act.reshape(nb, nf, nh // 2, 2, nw // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(nb, nf, nh // 2, nw // 2, 4)
    win = grid.argmax(axis=-1)
    pooled = grid.max(axis=-1)
    vec = pooled.reshape(nb, -1)
    out = vec @ W2 + b2
    out = out - out.max(axis=1, keepdims=True)
    lq = out - np.log(np.exp(out).sum(axis=1, keepdims=True))
    total = -lq[np.arange(nb), y].sum() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    g = np.exp(lq)
    g[np.arange(nb), y] -= 1
    g /= nb
    gp = (g @ W2.T).reshape(pooled.shape)
    ggrid = np.zeros_like(grid)
    np.put_along_axis(ggrid, win[..., None], gp[..., None], axis=-1)
    gf = ggrid.reshape(nb, nf, nh // 2, nw // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(fmap.shape) * on
    grads = {"W1": np.einsum("bchwij,bfhw->fcij", patch, gf) + reg * W1, "b1": gf.sum(axis=(0, 2, 3)),
             "W2": vec.T @ g + reg * W2, "b2": g.sum(axis=0)}
    if return_dX:
        gpatch = np.einsum("bfhw,fcij->bchwij", gf, W1)
        gimg = np.zeros_like(img)
        np.add.at(gimg, (slice(None), slice(None), rows, cols), gpatch)
        return total, grads, gimg[:, :, o:o + nh, o:o + nw]
    return total, grads

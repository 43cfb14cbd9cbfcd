"""Convnet whose convolution is a loop over the K*K filter taps, each a channel-mixing matmul."""
# correct: z = b1 + sum over taps (p, q) of W1[:, :, p, q] applied to the shifted padded image; the
# backward pass visits the same taps (dW1 tap by tap, dX scattered into a padded buffer then cropped).
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0, return_dX=False):
    filt, fb = params["W1"], params["b1"]
    dense, db = params["W2"], params["b2"]
    batch, chans, rows, cols = X.shape
    nf, _, k, _ = filt.shape
    pad = (k - 1) // 2
    canvas = np.zeros((batch, chans, rows + 2 * pad, cols + 2 * pad))
    canvas[:, :, pad:pad + rows, pad:pad + cols] = X
    conv = np.broadcast_to(fb[:, None, None], (batch, nf, rows, cols)).copy()
    for p in range(k):
        for q in range(k):
            shifted = canvas[:, :, p:p + rows, q:q + cols]            # (batch, chans, rows, cols)
            conv += np.tensordot(shifted, filt[:, :, p, q], axes=([1], [1])).transpose(0, 3, 1, 2)
    relu = np.where(conv > 0, conv, 0.0)
    quads = [relu[:, :, di::2, dj::2] for di in (0, 1) for dj in (0, 1)]  # row-major window order
    stack = np.stack(quads)                                              # (4, batch, nf, r/2, c/2)
    choice = np.argmax(stack, axis=0)
    pooled = np.max(stack, axis=0)
    vec = pooled.reshape(batch, nf * (rows // 2) * (cols // 2))
    logits = vec @ dense + db
    top = np.max(logits, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(logits - top), axis=1)) + top[:, 0]
    value = float(np.mean(lse - logits[np.arange(batch), y]))
    value += reg * 0.5 * (np.vdot(filt, filt) + np.vdot(dense, dense))

    g = np.exp(logits - lse[:, None])
    g[np.arange(batch), y] -= 1.0
    g /= batch
    g_dense = vec.T @ g + reg * dense
    g_db = np.sum(g, axis=0)
    g_pooled = (g @ dense.T).reshape(pooled.shape)
    g_relu = np.zeros_like(relu)
    for idx, (di, dj) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        g_relu[:, :, di::2, dj::2] = np.where(choice == idx, g_pooled, 0.0)
    g_conv = np.where(conv > 0, g_relu, 0.0)
    g_filt = np.empty_like(filt)
    g_canvas = np.zeros_like(canvas)
    for p in range(k):
        for q in range(k):
            shifted = canvas[:, :, p:p + rows, q:q + cols]
            g_filt[:, :, p, q] = np.tensordot(g_conv, shifted, axes=([0, 2, 3], [0, 2, 3]))
            g_canvas[:, :, p:p + rows, q:q + cols] += np.tensordot(g_conv, filt[:, :, p, q], axes=([1], [0])).transpose(0, 3, 1, 2)
    grads = {"W1": g_filt + reg * filt, "b1": g_conv.sum(axis=(0, 2, 3)), "W2": g_dense, "b2": g_db}
    if return_dX:
        return value, grads, g_canvas[:, :, pad:pad + rows, pad:pad + cols]
    return value, grads

"""Convnet using sliding_window_view and einsum for the convolution, its filter gradient and dX."""
# correct: dX is the full correlation of the zero-padded dz with the filter turned by 180 degrees
# (channels swapped), which is what the transpose of a correlation is; the pool mask keeps only the
# first maximum of every window.
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

EXPECTED = {"signature": "ok"}


def _corr(x, w):
    """x (N, A, H+K-1, W+K-1), w (B, A, K, K) -> (N, B, H, W): sum_a,p,q x[n,a,i+p,j+q] w[b,a,p,q]."""
    K = w.shape[-1]
    v = sliding_window_view(x, (K, K), axis=(2, 3))          # (N, A, H, W, K, K)
    return np.einsum("naijpq,bapq->nbij", v, w)


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n_img = X.shape[0]  # noqa: F841 - unused in this style
    K = W1.shape[2]
    P = K // 2
    padded = np.pad(X, [(0, 0), (0, 0), (P, P), (P, P)])
    pre = _corr(padded, W1) + b1.reshape(1, -1, 1, 1)
    post = np.maximum(pre, 0)
    N, F, H, W = post.shape
    tiles = post.reshape(N, F, H // 2, 2, W // 2, 2)
    best = tiles.max(axis=(3, 5))
    # mask of the first maximum in row-major order inside each 2x2 tile
    hit = tiles == best[:, :, :, None, :, None]
    flat_hit = hit.transpose(0, 1, 2, 4, 3, 5).reshape(N, F, H // 2, W // 2, 4)
    first = np.cumsum(flat_hit, axis=-1) == 1
    flat_hit = flat_hit & first
    mask = flat_hit.reshape(N, F, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    vec = best.reshape(N, -1)
    logits = vec @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    logprob = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    J = -logprob[np.arange(N), y].sum() / N + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    d_logits = np.exp(logprob)
    d_logits[np.arange(N), y] -= 1
    d_logits /= N
    d_vec = d_logits @ W2.T
    d_tiles = mask * d_vec.reshape(best.shape)[:, :, :, None, :, None]
    d_pre = d_tiles.reshape(N, F, H, W) * (pre > 0)
    vw = sliding_window_view(padded, (H, W), axis=(2, 3))  # (N, Cin, K, K, H, W)
    dW1 = np.einsum("ncpqij,nfij->fcpq", vw, d_pre) + reg * W1
    grads = {"W1": dW1, "b1": d_pre.sum(axis=(0, 2, 3)), "W2": vec.T @ d_logits + reg * W2,
             "b2": d_logits.sum(axis=0)}
    if return_dX:
        d_pad = np.pad(d_pre, [(0, 0), (0, 0), (K - 1 - P, K - 1 - P), (K - 1 - P, K - 1 - P)])
        turned = W1[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (Cin, F, K, K)
        return J, grads, _corr(d_pad, turned)
    return J, grads

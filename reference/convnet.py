"""The convolutional reference network: Conv -> ReLU -> 2x2 max-pool -> Affine -> softmax cross-entropy.

What it is for: the oracle of the convolutional network. Every gradient here is derived by hand
(docs/derivation.md#9-the-convolutional-network), vectorized with NumPy (sliding windows and im2col, no loop over
examples or pixels), float64, no autodiff. The module is self-contained, the affine, ReLU and
softmax layers copied from reference/net.py, so that a copy of this one file is a whole network.
What it is not for: training utilities, strides, other paddings or pool sizes, or anything but
one loss evaluation.

Conventions (fixed for the three networks that follow the two-layer net and the MLP):
- The convolution is a cross-correlation (the filter is not flipped), as in cs231n:
  z[n, f, i, j] = sum over c, p, q of xpad[n, c, i + p, j + q] * W1[f, c, p, q] + b1[f],
  stride 1, zero padding P = (K - 1) / 2 on both sides of both spatial axes (K odd), so z keeps
  the input's height and width.
- Max-pool: 2x2 windows, stride 2 (Hin and Win even). The backward pass sends each window's
  gradient to its maximum; on a tie, to the first maximum in row-major order in the window.
- The pooled maps are flattened in C (row-major) order, filter by filter, before the affine layer.
- Loss: L = mean over the batch of the cross-entropy + (reg / 2) * (||W1||^2 + ||W2||^2).
  The 1/N appears once, in dscores. Biases are not regularized.
- Labels y are integer class indices in {0, ..., C-1}, not one-hot.
- ReLU'(0) = 0: the mask is (z > 0) on the pre-activation z.
- The gradient with respect to the input X is available with return_dX=True.

Shapes use fixed letters: N batch, Cin input channels, Hin and Win input height and width,
F filters, K filter size, C classes; D = F * (Hin / 2) * (Win / 2) is the width of the flattened
pooled maps, M the width of an affine layer's output.
"""
import numpy as np
from typing import Any, Dict, Tuple


def zero_pad(x: np.ndarray, P: int) -> np.ndarray:
    """x of shape (N, Ch, H, W) with P zeros added on both sides of both spatial axes."""
    N, Ch, H, W = x.shape
    xpad = np.zeros((N, Ch, H + 2 * P, W + 2 * P), dtype=x.dtype)  # (N, Ch, H + 2P, W + 2P)
    xpad[:, :, P:P + H, P:P + W] = x  # (N, Ch, H, W) copied into the middle
    return xpad


def conv_forward(x: np.ndarray, w: np.ndarray,
                 b: np.ndarray) -> Tuple[np.ndarray, Tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Convolution (cross-correlation), stride 1, zero padding P = (K - 1) / 2, by im2col.

    Inputs: x of shape (N, Cin, Hin, Win), w of shape (F, Cin, K, K) with K odd, b of shape (F,).
    Returns (out, cache): out of shape (N, F, Hin, Win); cache = (x, w, cols) for the backward
    pass, cols[(n, i, j), (c, p, q)] = xpad[n, c, i + p, j + q], of shape (N*Hin*Win, Cin*K*K).
    """
    N, Cin, Hin, Win = x.shape
    F, _, K, _ = w.shape
    P = (K - 1) // 2
    xpad = zero_pad(x, P)  # (N, Cin, Hin + 2P, Win + 2P)
    windows = np.lib.stride_tricks.sliding_window_view(xpad, (K, K), axis=(2, 3))  # (N, Cin, Hin, Win, K, K), a view
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * Hin * Win, Cin * K * K)  # (N*Hin*Win, Cin*K*K): im2col
    out = cols @ w.reshape(F, Cin * K * K).T  # (N*Hin*Win, F) = (N*Hin*Win, Cin*K*K) @ (Cin*K*K, F): sum over c, p, q
    out = out.reshape(N, Hin, Win, F).transpose(0, 3, 1, 2)  # (N, F, Hin, Win)
    out = out + b[:, None, None]  # (N, F, Hin, Win) + (F, 1, 1) broadcast over N, Hin, Win
    cache = (x, w, cols)
    return out, cache


def conv_backward(dout: np.ndarray, cache: Tuple[np.ndarray, np.ndarray,
                                                 np.ndarray]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of the convolution.

    Inputs: dout of shape (N, F, Hin, Win), upstream dL/dout; cache = (x, w, cols) from conv_forward.
    Returns (dx, dw, db) of shapes (N, Cin, Hin, Win), (F, Cin, K, K), (F,).
    """
    x, w, cols = cache
    N, Cin, Hin, Win = x.shape
    F, _, K, _ = w.shape
    P = (K - 1) // 2
    dout_rows = dout.transpose(0, 2, 3, 1).reshape(N * Hin * Win, F)  # (N*Hin*Win, F), rows in cols' order
    # dw[f, c, p, q] = sum over n, i, j of dout[n, f, i, j] * xpad[n, c, i + p, j + q]: x correlated with dout.
    dw = (dout_rows.T @ cols).reshape(F, Cin, K, K)  # (F, Cin*K*K) = (F, N*Hin*Win) @ (N*Hin*Win, Cin*K*K)
    db = dout.sum(axis=(0, 2, 3))  # (F,): the adjoint of broadcasting b over N, Hin, Win
    # d(xpad) is the full correlation of dout (padded by K - 1) with the flipped filter.
    Hp, Wp = Hin + 2 * P, Win + 2 * P
    dout_full = zero_pad(dout, K - 1)  # (N, F, Hin + 2K - 2, Win + 2K - 2)
    dwindows = np.lib.stride_tricks.sliding_window_view(dout_full, (K, K), axis=(2, 3))  # (N, F, Hp, Wp, K, K)
    dcols = dwindows.transpose(0, 2, 3, 1, 4, 5).reshape(N * Hp * Wp, F * K * K)  # (N*Hp*Wp, F*K*K)
    w_flipped = w[:, :, ::-1, ::-1]  # (F, Cin, K, K): w_flipped[f, c, p, q] = w[f, c, K-1-p, K-1-q]
    w_rows = w_flipped.transpose(1, 0, 2, 3).reshape(Cin, F * K * K)  # (Cin, F*K*K)
    dxpad = (dcols @ w_rows.T).reshape(N, Hp, Wp, Cin).transpose(0, 3, 1, 2)  # (N, Cin, Hp, Wp): sum f, p, q
    dx = dxpad[:, :, P:P + Hin, P:P + Win]  # (N, Cin, Hin, Win): the border was constant zeros, its gradient is dropped
    return dx, dw, db


def relu_forward(z: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """ReLU h = max(z, 0), elementwise.

    Input: z of any shape, here (N, F, Hin, Win). Returns (h, cache): h of z's shape; cache = z.
    """
    h = np.maximum(z, 0.0)  # (N, F, Hin, Win)
    cache = z
    return h, cache


def relu_backward(dh: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward of the ReLU: pass dh where z > 0, block it elsewhere (ReLU'(0) = 0).

    Inputs: dh of z's shape, upstream dL/dh; cache = z, here of shape (N, F, Hin, Win).
    Returns dz of z's shape.
    """
    z = cache
    dz = dh * (z > 0)  # (N, F, Hin, Win) = (N, F, Hin, Win) * (N, F, Hin, Win) boolean mask, elementwise
    return dz


def max_pool_forward(a: np.ndarray) -> Tuple[np.ndarray, Tuple[Tuple[int, ...], np.ndarray]]:
    """2x2 max-pool, stride 2.

    Input: a of shape (N, F, Hin, Win), Hin and Win even.
    Returns (pooled, cache): pooled of shape (N, F, Hin/2, Win/2); cache = (a's shape, first), where
    first of shape (N, F, Hin/2, Win/2) is each window's first maximum, 2 * row + column in the window.
    """
    N, F, Hin, Win = a.shape
    windows = a.reshape(N, F, Hin // 2, 2, Win // 2, 2)  # (N, F, Hin/2, 2, Win/2, 2): window row, column
    windows = windows.transpose(0, 1, 2, 4, 3, 5)  # (N, F, Hin/2, Win/2, 2, 2)
    windows = windows.reshape(N, F, Hin // 2, Win // 2, 4)  # (N, F, Hin/2, Win/2, 4), row-major in the window
    first = windows.argmax(axis=4)  # (N, F, Hin/2, Win/2): argmax returns the first maximum on a tie
    pooled = windows.max(axis=4)  # (N, F, Hin/2, Win/2): the value at `first`
    cache = (a.shape, first)
    return pooled, cache


def max_pool_backward(dpooled: np.ndarray, cache: Tuple[Tuple[int, ...], np.ndarray]) -> np.ndarray:
    """Backward of the 2x2 max-pool: each window's gradient goes to its first maximum, 0 elsewhere.

    Inputs: dpooled of shape (N, F, Hin/2, Win/2), upstream dL/dpooled; cache from max_pool_forward.
    Returns da of shape (N, F, Hin, Win).
    """
    shape, first = cache
    N, F, Hin, Win = shape
    routed = np.arange(4) == first[..., None]  # (N, F, Hin/2, Win/2, 4): one True per window
    dwindows = routed * dpooled[..., None]  # (N, F, Hin/2, Win/2, 4) = (.., 4) * (.., 1) broadcast over 4
    dwindows = dwindows.reshape(N, F, Hin // 2, Win // 2, 2, 2)  # (N, F, Hin/2, Win/2, 2, 2)
    dwindows = dwindows.transpose(0, 1, 2, 4, 3, 5)  # (N, F, Hin/2, 2, Win/2, 2)
    da = dwindows.reshape(N, F, Hin, Win)  # (N, F, Hin, Win): the inverse of the forward's reshape
    return da


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Tuple[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """Affine layer out = x w + b.

    Inputs: x of shape (N, D), w of shape (D, M), b of shape (M,).
    Returns (out, cache): out of shape (N, M); cache = (x, w) for the backward pass.
    """
    out = x @ w + b  # (N, M) = (N, D) @ (D, M) + (M,) broadcast over the N rows
    cache = (x, w)
    return out, cache


def affine_backward(dout: np.ndarray,
                    cache: Tuple[np.ndarray, np.ndarray]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of the affine layer.

    Inputs: dout of shape (N, M), upstream dL/dout; cache = (x, w) from affine_forward.
    Returns (dx, dw, db) of shapes (N, D), (D, M), (M,).
    """
    x, w = cache
    dx = dout @ w.T  # (N, D) = (N, M) @ (M, D)
    dw = x.T @ dout  # (D, M) = (D, N) @ (N, M): shape pins the order, x^T before dout
    db = dout.sum(axis=0)  # (M,) = sum over the N rows: the adjoint of the broadcast
    return dx, dw, db


def softmax_cross_entropy(scores: np.ndarray, y: np.ndarray) -> Tuple[float, np.ndarray]:
    """Mean softmax cross-entropy and its gradient, fused.

    Inputs: scores of shape (N, C), raw logits; y of shape (N,), integer labels in [0, C).
    Returns (loss, dscores): loss a float, the mean over the batch; dscores of shape (N, C),
    dL/dscores = (softmax(scores) - onehot(y)) / N, formed in one shot.
    """
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)  # (N, C) - (N, 1) broadcast over C
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, 1), all exp <= 1
    log_probs = shifted - log_norm  # (N, C) - (N, 1) broadcast over C
    rows = np.arange(N)  # (N,)
    loss = -log_probs[rows, y].mean()  # scalar: the 1/N of the mean
    dscores = np.exp(log_probs)  # (N, C) softmax probabilities
    dscores[rows, y] -= 1.0  # (N, C): p - onehot(y)
    dscores /= N  # (N, C): the single 1/N, applied once
    return loss, dscores


def loss(params: Dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, reg: float = 0.0,
         return_dX: bool = False) -> Tuple[Any, ...]:
    """Loss and gradients of the convolutional network.

    Inputs:
    - params: dict with W1 of shape (F, Cin, K, K), b1 (F,), W2 (D, C), b2 (C,), float64,
      where D = F * (Hin / 2) * (Win / 2).
    - X of shape (N, Cin, Hin, Win), float64, Hin and Win even; y of shape (N,), integer labels in [0, C).
    - reg: L2 strength; the loss adds (reg / 2) * (||W1||^2 + ||W2||^2).
    - return_dX: also return dL/dX of shape (N, Cin, Hin, Win).
    Returns (loss, grads), or (loss, grads, dX) with return_dX: grads has the keys and
    shapes of params. Nothing passed in is modified.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]

    # Forward pass.
    z, conv_cache = conv_forward(X, W1, b1)  # (N, F, Hin, Win)
    a, relu_cache = relu_forward(z)  # (N, F, Hin, Win)
    pooled, pool_cache = max_pool_forward(a)  # (N, F, Hin/2, Win/2)
    flat = pooled.reshape(N, -1)  # (N, D), C order: filter, then row, then column
    scores, affine_cache = affine_forward(flat, W2, b2)  # (N, C) = (N, D) @ (D, C) + (C,)
    data_loss, dscores = softmax_cross_entropy(scores, y)  # scalar, (N, C)
    reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))  # scalar
    total_loss = data_loss + reg_loss

    # Backward pass: each gradient has the shape of what it differentiates.
    dflat, dW2, db2 = affine_backward(dscores, affine_cache)  # (N, D), (D, C), (C,)
    dpooled = dflat.reshape(pooled.shape)  # (N, F, Hin/2, Win/2): the inverse of the flatten
    da = max_pool_backward(dpooled, pool_cache)  # (N, F, Hin, Win)
    dz = relu_backward(da, relu_cache)  # (N, F, Hin, Win)
    dX, dW1, db1 = conv_backward(dz, conv_cache)  # (N, Cin, Hin, Win), (F, Cin, K, K), (F,)
    dW1 = dW1 + reg * W1  # (F, Cin, K, K): d/dW1 of (reg / 2) ||W1||^2
    dW2 = dW2 + reg * W2  # (D, C): d/dW2 of (reg / 2) ||W2||^2

    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if return_dX:
        return total_loss, grads, dX
    return total_loss, grads

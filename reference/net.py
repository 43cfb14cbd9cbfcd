"""The two-layer reference network: Affine -> ReLU -> Affine -> softmax cross-entropy.

What it is for: the oracle. Every gradient here is derived by hand (docs/derivation.md),
vectorized over the batch with NumPy, float64, no autodiff. The bug cards in katas/ are
copies of this module with one edit each, so the whole network lives in this one file.
What it is not for: training utilities, data loading, or anything but one loss evaluation.

Conventions (the seed's clarifying questions, answered):
- Loss: L = mean over the batch of the cross-entropy + (reg / 2) * (||W1||^2 + ||W2||^2).
  The 1/N appears once, in dscores. Biases are not regularized.
- Labels y are integer class indices in {0, ..., C-1}, not one-hot.
- ReLU'(0) = 0: the mask is (z > 0) on the pre-activation z.
- The gradient with respect to the input X is available with return_dX=True.

Shapes use fixed letters: N batch, D input, H hidden, C classes.
"""
import numpy as np
from typing import Any, Dict, Tuple


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


def relu_forward(z: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """ReLU h = max(z, 0), elementwise.

    Input: z of shape (N, H). Returns (h, cache): h of shape (N, H); cache = z.
    """
    h = np.maximum(z, 0.0)  # (N, H)
    cache = z
    return h, cache


def relu_backward(dh: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward of the ReLU: pass dh where z > 0, block it elsewhere (ReLU'(0) = 0).

    Inputs: dh of shape (N, H), upstream dL/dh; cache = z of shape (N, H).
    Returns dz of shape (N, H).
    """
    z = cache
    dz = dh * (z > 0)  # (N, H) = (N, H) * (N, H) boolean mask, elementwise
    return dz


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
    """Loss and gradients of the two-layer network.

    Inputs:
    - params: dict with W1 of shape (D, H), b1 (H,), W2 (H, C), b2 (C,), float64.
    - X of shape (N, D), float64; y of shape (N,), integer labels in [0, C).
    - reg: L2 strength; the loss adds (reg / 2) * (||W1||^2 + ||W2||^2).
    - return_dX: also return dL/dX of shape (N, D).
    Returns (loss, grads), or (loss, grads, dX) with return_dX: grads has the keys and
    shapes of params. Nothing passed in is modified.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]

    # Forward pass.
    z1, affine1_cache = affine_forward(X, W1, b1)  # (N, H) = (N, D) @ (D, H) + (H,)
    h1, relu_cache = relu_forward(z1)  # (N, H)
    scores, affine2_cache = affine_forward(h1, W2, b2)  # (N, C) = (N, H) @ (H, C) + (C,)
    data_loss, dscores = softmax_cross_entropy(scores, y)  # scalar, (N, C)
    reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))  # scalar
    total_loss = data_loss + reg_loss

    # Backward pass: each gradient has the shape of what it differentiates.
    dh1, dW2, db2 = affine_backward(dscores, affine2_cache)  # (N, H), (H, C), (C,)
    dz1 = relu_backward(dh1, relu_cache)  # (N, H)
    dX, dW1, db1 = affine_backward(dz1, affine1_cache)  # (N, D), (D, H), (H,)
    dW1 = dW1 + reg * W1  # (D, H): d/dW1 of (reg / 2) ||W1||^2
    dW2 = dW2 + reg * W2  # (H, C): d/dW2 of (reg / 2) ||W2||^2

    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if return_dX:
        return total_loss, grads, dX
    return total_loss, grads

"""The batch-norm network: Affine -> BatchNorm -> ReLU -> Affine -> softmax cross-entropy.

What it is for: the oracle of the batch-norm network. Every gradient is derived by hand
(docs/derivation.md#8-the-batch-norm-network), vectorized over the batch with NumPy, float64, no autodiff.
The module is self-contained (it imports only numpy and typing): the affine, ReLU and softmax
layers are copies of those in reference/net.py, so a kata file made from this module stands
alone. The batch-norm backward is written as the step-by-step graph, one line per node of the
forward pass; the compact formula is in its docstring and in the derivation.
What it is not for: training. Batch norm runs in training mode only: batch statistics, no
running averages, no test mode.

Conventions:
- Loss: L = mean over the batch of the cross-entropy + (reg / 2) * (||W1||^2 + ||W2||^2).
  The 1/N of that mean appears once, in dscores. The other 1/N in the backward pass are the
  adjoints of the batch mean and the batch variance, one each, in batchnorm_backward.
  Biases, gamma and beta are not regularized.
- Batch norm normalizes each hidden unit over the batch with the biased variance (1/N, not
  1/(N-1)) and EPS = 1e-5 under the square root.
- Labels y are integer class indices in {0, ..., C-1}, not one-hot.
- ReLU'(0) = 0: the mask is (bn > 0) on the ReLU's input bn, the batch norm's output.
- db1 is zero in exact arithmetic (the batch mean removes any bias before a batch norm);
  computed, it is round-off. A very negative b1 kills no unit; a very negative beta does.
- The gradient with respect to the input X is available with return_dX=True.

Shapes use fixed letters: N batch, D input, H hidden, C classes.
"""
import numpy as np
from typing import Any, Dict, Tuple

EPS = 1e-5  # added to the batch variance under the square root


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


def batchnorm_forward(z: np.ndarray, gamma: np.ndarray,
                      beta: np.ndarray) -> Tuple[np.ndarray, Tuple[np.ndarray, ...]]:
    """Batch normalization in training mode: each column of z normalized over the batch.

    Inputs: z of shape (N, H); gamma of shape (H,), the scale; beta of shape (H,), the shift.
    Returns (out, cache): out = gamma * (z - mean) / sqrt(var + EPS) + beta of shape (N, H),
    mean and biased variance (1/N) taken over the N rows; cache holds the graph's nodes.
    """
    mu = z.mean(axis=0)  # (H,) = sum over the N rows / N: the batch mean
    centered = z - mu  # (N, H) = (N, H) - (H,) broadcast over the N rows
    squared = centered ** 2  # (N, H)
    var = squared.mean(axis=0)  # (H,) = sum over the N rows / N: biased, not 1/(N-1)
    std = np.sqrt(var + EPS)  # (H,)
    inv_std = 1.0 / std  # (H,)
    xhat = centered * inv_std  # (N, H) = (N, H) * (H,) broadcast over the N rows
    out = gamma * xhat + beta  # (N, H) = (H,) * (N, H) + (H,), both broadcast over the N rows
    cache = (xhat, gamma, centered, std, inv_std)
    return out, cache


def batchnorm_backward(dout: np.ndarray,
                       cache: Tuple[np.ndarray, ...]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of the batch normalization, node by node through the forward graph.

    Inputs: dout of shape (N, H), upstream dL/dout; cache from batchnorm_forward.
    Returns (dz, dgamma, dbeta) of shapes (N, H), (H,), (H,). The same dz in one line:
    dz = (gamma / (N * std)) * (N * dout - dbeta - xhat * dgamma), std = sqrt(var + EPS).
    Every column of dz sums to zero in exact arithmetic: that is why db1 is zero.
    """
    xhat, gamma, centered, std, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)  # (H,) = sum over the N rows: beta was broadcast over them
    dgamma = (dout * xhat).sum(axis=0)  # (H,) = sum over the N rows of (N, H) * (N, H)
    dxhat = dout * gamma  # (N, H) = (N, H) * (H,) broadcast over the N rows
    dinv_std = (dxhat * centered).sum(axis=0)  # (H,) = sum over the N rows: inv_std was broadcast
    dstd = -dinv_std / std ** 2  # (H,): d(1/s)/ds = -1/s^2
    dvar = 0.5 * dstd / std  # (H,): d sqrt(v + EPS)/dv = 1 / (2 sqrt(v + EPS))
    dsquared = np.ones_like(dout) * dvar / N  # (N, H): the mean's adjoint, dvar / N to every row
    dcentered = dxhat * inv_std + 2.0 * centered * dsquared  # (N, H): through xhat + through var
    dmu = -dcentered.sum(axis=0)  # (H,) = -(sum over the N rows): mu was broadcast, subtracted
    dz = dcentered + dmu / N  # (N, H) = (N, H) + (H,) / N: the mean's adjoint, dmu / N to every row
    return dz, dgamma, dbeta


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
    """Loss and gradients of the batch-norm network.

    Inputs:
    - params: dict with W1 of shape (D, H), b1 (H,), gamma (H,), beta (H,), W2 (H, C), b2 (C,),
      float64.
    - X of shape (N, D), float64; y of shape (N,), integer labels in [0, C).
    - reg: L2 strength; the loss adds (reg / 2) * (||W1||^2 + ||W2||^2).
    - return_dX: also return dL/dX of shape (N, D).
    Returns (loss, grads), or (loss, grads, dX) with return_dX: grads has the keys and
    shapes of params. Nothing passed in is modified.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    gamma, beta = params["gamma"], params["beta"]

    # Forward pass.
    z, affine1_cache = affine_forward(X, W1, b1)  # (N, H) = (N, D) @ (D, H) + (H,)
    bn, bn_cache = batchnorm_forward(z, gamma, beta)  # (N, H)
    h, relu_cache = relu_forward(bn)  # (N, H)
    scores, affine2_cache = affine_forward(h, W2, b2)  # (N, C) = (N, H) @ (H, C) + (C,)
    data_loss, dscores = softmax_cross_entropy(scores, y)  # scalar, (N, C)
    reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))  # scalar
    total_loss = data_loss + reg_loss

    # Backward pass: each gradient has the shape of what it differentiates.
    dh, dW2, db2 = affine_backward(dscores, affine2_cache)  # (N, H), (H, C), (C,)
    dbn = relu_backward(dh, relu_cache)  # (N, H)
    dz, dgamma, dbeta = batchnorm_backward(dbn, bn_cache)  # (N, H), (H,), (H,)
    dX, dW1, db1 = affine_backward(dz, affine1_cache)  # (N, D), (D, H), (H,): db1 is round-off
    dW1 = dW1 + reg * W1  # (D, H): d/dW1 of (reg / 2) ||W1||^2
    dW2 = dW2 + reg * W2  # (H, C): d/dW2 of (reg / 2) ||W2||^2

    grads = {"W1": dW1, "b1": db1, "gamma": dgamma, "beta": dbeta, "W2": dW2, "b2": db2}
    if return_dX:
        return total_loss, grads, dX
    return total_loss, grads

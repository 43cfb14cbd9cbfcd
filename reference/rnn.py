"""The vanilla recurrent network: tanh recurrence -> affine output -> softmax at every time step.

What it is for: the oracle of the recurrent network, with backpropagation through time derived by
hand (docs/derivation.md#10-the-vanilla-rnn-backpropagation-through-time), vectorized over the
batch with NumPy, float64, no autodiff. The loop over time is the only loop: step t needs h_{t-1}.
The whole network lives in this one file, so that a copy with one edit is a complete bug card.
What it is not for: training, truncated backpropagation, sampling, or anything but one loss
evaluation.

Conventions (docs/derivation.md, Section 10, derives every constant):
- h_0 = 0; h_t = tanh(x_t Wx + h_{t-1} Wh + b) for t = 1 .. T, with x_t = X[:, t-1, :].
- scores_t = h_t Wy + by, the same output layer at every step.
- Loss: L = (1/N) * sum over n and t of the cross-entropy of scores_t[n] with y[n, t]
  + (reg / 2) * (||Wx||^2 + ||Wh||^2 + ||Wy||^2). Summed over time, averaged over the batch:
  1/N, not 1/(N*T). The 1/N appears once, in dscores. Biases are not regularized.
- Labels y are integer class indices in {0, ..., C-1}, one per sequence and step: shape (N, T).
- tanh'(a) = 1 - tanh(a)^2 is computed from the step's output h_t, not from its pre-activation.
- The gradient with respect to the input X is available with return_dX=True.

Shapes use fixed letters: N batch, T time steps, D input, H hidden, C classes.
"""
import numpy as np
from typing import Any, Dict, List, Tuple

StepCache = Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def rnn_step_forward(x: np.ndarray, prev_h: np.ndarray, Wx: np.ndarray, Wh: np.ndarray,
                     b: np.ndarray) -> Tuple[np.ndarray, StepCache]:
    """One step of the recurrence, next_h = tanh(x Wx + prev_h Wh + b).

    Inputs: x of shape (N, D), this step's inputs; prev_h of shape (N, H), the previous hidden
    state; Wx of shape (D, H), Wh of shape (H, H), b of shape (H,).
    Returns (next_h, cache): next_h of shape (N, H); cache = (x, prev_h, Wx, Wh, next_h).
    """
    a = x @ Wx + prev_h @ Wh + b  # (N, H) = (N, D) @ (D, H) + (N, H) @ (H, H) + (H,) broadcast
    next_h = np.tanh(a)  # (N, H)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache


def rnn_step_backward(dnext_h: np.ndarray,
                      cache: StepCache) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward of one step of the recurrence.

    Inputs: dnext_h of shape (N, H), upstream dL/dnext_h (every path into next_h, summed);
    cache = (x, prev_h, Wx, Wh, next_h) from rnn_step_forward.
    Returns (dx, dprev_h, dWx, dWh, db) of shapes (N, D), (N, H), (D, H), (H, H), (H,).
    """
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1.0 - next_h * next_h)  # (N, H): tanh'(a) = 1 - tanh(a)^2, from the output
    dx = da @ Wx.T  # (N, D) = (N, H) @ (H, D)
    dprev_h = da @ Wh.T  # (N, H) = (N, H) @ (H, H): Wh^T, the step's own transpose
    dWx = x.T @ da  # (D, H) = (D, N) @ (N, H)
    dWh = prev_h.T @ da  # (H, H) = (H, N) @ (N, H): the state that came in, h_{t-1}, not h_t
    db = da.sum(axis=0)  # (H,) = sum over the N rows: the adjoint of the broadcast
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(X: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray,
                b: np.ndarray) -> Tuple[np.ndarray, List[StepCache]]:
    """The recurrence over a whole sequence, one step per time index.

    Inputs: X of shape (N, T, D); h0 of shape (N, H), the initial hidden state; Wx of shape
    (D, H), Wh of shape (H, H), b of shape (H,).
    Returns (h, caches): h of shape (N, T, H), h[:, t-1, :] = h_t; caches, one per step.
    """
    N, T, _ = X.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))  # (N, T, H)
    caches = []
    prev_h = h0  # (N, H)
    for t in range(T):
        prev_h, cache = rnn_step_forward(X[:, t, :], prev_h, Wx, Wh, b)  # (N, H) = step of (N, D), (N, H)
        h[:, t, :] = prev_h  # (N, H) into row t of the time axis
        caches.append(cache)
    return h, caches


def rnn_backward(dh: np.ndarray,
                 caches: List[StepCache]) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagation through time.

    Inputs: dh of shape (N, T, H), the gradient reaching each h_t from outside the recurrence
    (here: from that step's softmax); caches from rnn_forward.
    Returns (dX, dh0, dWx, dWh, db) of shapes (N, T, D), (N, H), (D, H), (H, H), (H,).
    At step t the gradient of h_t is dh[:, t-1, :] (from its own output) plus the dprev_h of
    step t + 1 (from the future); the parameters' gradients are summed over the steps.
    """
    N, T, H = dh.shape
    D = caches[0][0].shape[1]
    dX = np.zeros((N, T, D))  # (N, T, D)
    dWx = np.zeros((D, H))  # (D, H)
    dWh = np.zeros((H, H))  # (H, H)
    db = np.zeros(H)  # (H,)
    dprev_h = np.zeros((N, H))  # (N, H): nothing comes back from beyond the last step
    for t in reversed(range(T)):
        dnext_h = dh[:, t, :] + dprev_h  # (N, H) = (N, H) from the output + (N, H) from step t + 1
        dx, dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dnext_h, caches[t])  # (N, D), (N, H), ...
        dX[:, t, :] = dx  # (N, D) into row t of the time axis
        dWx += dWx_t  # (D, H): the same Wx at every step, so its gradient sums over the steps
        dWh += dWh_t  # (H, H)
        db += db_t  # (H,)
    dh0 = dprev_h  # (N, H)
    return dX, dh0, dWx, dWh, db


def temporal_affine_forward(h: np.ndarray, w: np.ndarray,
                            b: np.ndarray) -> Tuple[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """The same affine layer at every time step, out[:, t, :] = h[:, t, :] w + b.

    Inputs: h of shape (N, T, H), w of shape (H, M), b of shape (M,).
    Returns (out, cache): out of shape (N, T, M); cache = (h, w).
    """
    N, T, H = h.shape
    M = w.shape[1]
    out = (h.reshape(N * T, H) @ w + b).reshape(N, T, M)  # (N, T, M) = ((N*T, H) @ (H, M) + (M,))
    cache = (h, w)
    return out, cache


def temporal_affine_backward(dout: np.ndarray,
                             cache: Tuple[np.ndarray, np.ndarray]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of the temporal affine layer.

    Inputs: dout of shape (N, T, M), upstream dL/dout; cache = (h, w) from temporal_affine_forward.
    Returns (dh, dw, db) of shapes (N, T, H), (H, M), (M,).
    """
    h, w = cache
    N, T, H = h.shape
    M = w.shape[1]
    dout_rows = dout.reshape(N * T, M)  # (N*T, M): every (sequence, step) pair is one row
    dh = (dout_rows @ w.T).reshape(N, T, H)  # (N, T, H) = ((N*T, M) @ (M, H))
    dw = h.reshape(N * T, H).T @ dout_rows  # (H, M) = (H, N*T) @ (N*T, M): summed over n and t
    db = dout_rows.sum(axis=0)  # (M,) = sum over the N*T rows
    return dh, dw, db


def temporal_softmax_cross_entropy(scores: np.ndarray, y: np.ndarray) -> Tuple[float, np.ndarray]:
    """Softmax cross-entropy at every step, summed over time and averaged over the batch, fused.

    Inputs: scores of shape (N, T, C), raw logits; y of shape (N, T), integer labels in [0, C).
    Returns (loss, dscores): loss a float, (1/N) * the sum over n and t of the cross-entropy
    (1/N, not 1/(N*T)); dscores of shape (N, T, C), (softmax(scores) - onehot(y)) / N.
    """
    N, T, C = scores.shape
    shifted = scores - scores.max(axis=2, keepdims=True)  # (N, T, C) - (N, T, 1) broadcast over C
    log_norm = np.log(np.exp(shifted).sum(axis=2, keepdims=True))  # (N, T, 1), all exp <= 1
    log_probs = shifted - log_norm  # (N, T, C) - (N, T, 1) broadcast over C
    rows = np.arange(N)[:, None]  # (N, 1), broadcast against steps
    steps = np.arange(T)[None, :]  # (1, T), broadcast against rows
    loss = -log_probs[rows, steps, y].sum() / N  # scalar: sum over (N, T), then the 1/N
    dscores = np.exp(log_probs)  # (N, T, C) softmax probabilities
    dscores[rows, steps, y] -= 1.0  # (N, T, C): p - onehot(y)
    dscores /= N  # (N, T, C): the single 1/N, applied once, no 1/T
    return loss, dscores


def loss(params: Dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, reg: float = 0.0,
         return_dX: bool = False) -> Tuple[Any, ...]:
    """Loss and gradients of the vanilla RNN.

    Inputs:
    - params: dict with Wx of shape (D, H), Wh (H, H), b (H,), Wy (H, C), by (C,), float64.
    - X of shape (N, T, D), float64; y of shape (N, T), integer labels in [0, C).
    - reg: L2 strength; the loss adds (reg / 2) * (||Wx||^2 + ||Wh||^2 + ||Wy||^2).
    - return_dX: also return dL/dX of shape (N, T, D).
    Returns (loss, grads), or (loss, grads, dX) with return_dX: grads has the keys and
    shapes of params. Nothing passed in is modified.
    """
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N = X.shape[0]
    H = Wh.shape[0]

    # Forward pass.
    h0 = np.zeros((N, H))  # (N, H): h_0 = 0, a constant, not a parameter
    h, rnn_caches = rnn_forward(X, h0, Wx, Wh, b)  # (N, T, H)
    scores, affine_cache = temporal_affine_forward(h, Wy, by)  # (N, T, C) = (N, T, H) @ (H, C) + (C,)
    data_loss, dscores = temporal_softmax_cross_entropy(scores, y)  # scalar, (N, T, C)
    reg_loss = 0.5 * reg * (np.sum(Wx * Wx) + np.sum(Wh * Wh) + np.sum(Wy * Wy))  # scalar
    total_loss = data_loss + reg_loss

    # Backward pass: each gradient has the shape of what it differentiates.
    dh, dWy, dby = temporal_affine_backward(dscores, affine_cache)  # (N, T, H), (H, C), (C,)
    dX, _, dWx, dWh, db = rnn_backward(dh, rnn_caches)  # (N, T, D), (N, H) unused, (D, H), (H, H), (H,)
    dWx = dWx + reg * Wx  # (D, H): d/dWx of (reg / 2) ||Wx||^2
    dWh = dWh + reg * Wh  # (H, H): d/dWh of (reg / 2) ||Wh||^2
    dWy = dWy + reg * Wy  # (H, C): d/dWy of (reg / 2) ||Wy||^2

    grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}
    if return_dX:
        return total_loss, grads, dX
    return total_loss, grads

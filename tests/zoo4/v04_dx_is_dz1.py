"""Two-layer net that hands back the hidden pre-activation gradient as if it were dL/dX."""
# bug: returns dz1 (N, H) where dX = dz1 @ W1.T (N, D) is due: the last affine backward step is skipped.
import numpy as np

EXPECTED = {"signature": "shape_error", "params": ["X"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    idx = np.arange(N)
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    m = scores.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    loss_value = float(np.mean(lse[:, 0] - scores[idx, y]))
    loss_value += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = np.exp(scores - lse)
    dscores[idx, y] -= 1.0
    dscores /= N
    dW2 = h1.T @ dscores + reg * W2
    db2 = dscores.sum(axis=0)
    dz1 = (dscores @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if return_dX:
        return loss_value, grads, dz1  # BUG: dz1 is the gradient at z1, not at X
    return loss_value, grads

"""Two-layer net whose loss normalizes the softmax over the batch axis (axis=0) while the backward uses rows."""
# bug (forward only): max and sum over axis=0 in the loss; the backward is the reference row softmax, so
# all four gradients disagree with the own loss (which does not even depend on b2) with no common factor.
import numpy as np

# The gradients are the reference's: the backward pass is right, so the finding is the loss
# (loss_mismatch), however far the loss's own slope is from them.
EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    col = scores - scores.max(axis=0, keepdims=True)                   # BUG: axis=0
    log_q = col - np.log(np.exp(col).sum(axis=0, keepdims=True))       # BUG: axis=0
    L = -np.mean(log_q[rows, y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    shifted = scores - scores.max(axis=1, keepdims=True)
    d = np.exp(shifted)
    d /= d.sum(axis=1, keepdims=True)
    d[rows, y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

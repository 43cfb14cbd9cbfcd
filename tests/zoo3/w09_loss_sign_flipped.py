"""Two-layer net whose returned loss lost its minus sign while the gradients stayed right."""
# bug (forward only): loss = +mean(log p_y) instead of -mean(log p_y); backward is the reference,
# so the analytic gradients are -1 times the central differences of the returned loss.
import numpy as np

# The gradients are the reference's: the backward pass is right, so the finding is the loss
# (loss_mismatch), with the factor -1 between the gradients and the loss's own slope in the evidence.
EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data = np.mean(log_probs[rows, y])  # BUG: missing the leading minus
    L = data + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(log_probs)
    d[rows, y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

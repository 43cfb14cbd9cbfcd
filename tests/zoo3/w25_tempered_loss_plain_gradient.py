"""Two-layer net whose loss uses a temperature-2 softmax but whose backward uses the plain softmax."""
# bug: loss = CE(softmax(scores / 2)); dscores = (softmax(scores) - onehot) / N; the per-entry error is not a
# common factor, so all four gradients disagree with the own loss with no single k.
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
    shifted = scores - scores.max(axis=1, keepdims=True)
    tempered = shifted / 2.0
    log_pt = tempered - np.log(np.exp(tempered).sum(axis=1, keepdims=True))
    L = -np.mean(log_pt[rows, y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)  # BUG: the untempered softmax
    d = p
    d[rows, y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

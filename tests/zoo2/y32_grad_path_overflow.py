"""Two-layer softmax loss with a stable log-sum-exp loss but an unshifted softmax in the backward."""
# Bug: the loss is computed stably, but dscores uses exp(scores) / sum(exp(scores)) with no
# max subtraction: inf / inf = nan in the gradients once logits exceed ~709.
import numpy as np

EXPECTED = {"signature": "nonfinite", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    m = scores.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    data_loss = np.mean(lse[:, 0] - scores[np.arange(N), y])
    ex = np.exp(scores)
    ds = ex / ex.sum(axis=1, keepdims=True)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }

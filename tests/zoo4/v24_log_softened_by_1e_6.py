"""Two-layer net whose loss softens the log with 1e-6, -log(p + 1e-6), while its gradient is the exact softmax's."""
# bug: the epsilon moves the loss by about 1e-6 / p per example, so the loss's own slope differs from
# the returned gradient (probs - onehot) / N by a few parts in a million: too little to be a factor,
# enough to fail a float64 gradient check. The gradients are the reference's; the loss is off.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    first, bias1, second, bias2 = (params[key] for key in ("W1", "b1", "W2", "b2"))
    count = len(y)
    hidden_in = np.dot(X, first) + bias1
    hidden = hidden_in * (hidden_in > 0)
    logits = np.dot(hidden, second) + bias2
    logits = logits - np.max(logits, axis=1)[:, np.newaxis]
    weights = np.exp(logits)
    probs = weights / np.sum(weights, axis=1)[:, np.newaxis]
    picked = probs[np.arange(count), y]
    value = np.sum(-np.log(picked + 1e-6)) / count  # BUG: the softened log
    value += reg / 2.0 * (np.sum(first ** 2) + np.sum(second ** 2))
    upstream = probs.copy()
    upstream[np.arange(count), y] -= 1.0
    upstream = upstream / count
    back = np.dot(upstream, second.T) * (hidden_in > 0)
    return value, {"W1": np.dot(X.T, back) + reg * first, "b1": np.sum(back, axis=0),
                   "W2": np.dot(hidden.T, upstream) + reg * second, "b2": np.sum(upstream, axis=0)}

"""Cross-entropy gradient written as 2 * (p - onehot) / N, as if it were a squared error."""
import numpy as np

# Bug: a spurious factor 2 on dscores scales every gradient by 2 (reg=0).
EXPECTED = {"signature": "uniform_scale"}


def loss(params, X, y, reg=0.0):
    w1, bias1, w2, bias2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    rows = np.arange(m)
    pre = np.einsum("ij,jk->ik", X, w1) + bias1
    act = np.maximum(pre, 0.0)
    logits = act @ w2 + bias2
    logits = logits - logits.max(axis=1, keepdims=True)
    norm = np.exp(logits).sum(axis=1, keepdims=True)
    probs = np.exp(logits) / norm
    value = np.mean(np.log(norm[:, 0]) - logits[rows, y])
    value += 0.5 * reg * (np.sum(w1 * w1) + np.sum(w2 * w2))

    err = probs.copy()
    err[rows, y] -= 1.0
    dlogits = 2.0 * err / m
    grads = {
        "W2": act.T @ dlogits + reg * w2,
        "b2": dlogits.sum(axis=0),
    }
    dpre = (dlogits @ w2.T) * (pre > 0)
    grads["W1"] = X.T @ dpre + reg * w1
    grads["b1"] = dpre.sum(axis=0)
    return value, grads

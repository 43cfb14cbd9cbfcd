"""ReLU backward passes the gradient where z < 0 instead of where z > 0."""
import numpy as np

# Bug: the ReLU mask is inverted (z < 0), so the W1 and b1 gradients are wrong.
EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = len(X)
    pre = X @ W1 + b1
    hidden = np.where(pre > 0, pre, 0.0)
    logits = hidden @ W2 + b2
    m = logits.max(axis=1, keepdims=True)
    logZ = m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    L = np.mean(logZ[:, 0] - logits[np.arange(N), y])
    L = L + 0.5 * reg * (np.square(W1).sum() + np.square(W2).sum())

    g = np.exp(logits - logZ)
    g[np.arange(N), y] -= 1.0
    g = g / N
    dW2 = hidden.T @ g + reg * W2
    db2 = g.sum(axis=0)
    dhidden = g @ W2.T
    dpre = np.where(pre < 0, dhidden, 0.0)
    dW1 = X.T @ dpre + reg * W1
    db1 = dpre.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

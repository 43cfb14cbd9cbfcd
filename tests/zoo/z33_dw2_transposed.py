"""Second-layer weight gradient computed as dscores.T @ h1, the transpose of the right product."""
import numpy as np

# Bug: dW2 = dscores.T @ h1 has shape (C, H) instead of (H, C) (right shape, wrong values, only when H == C).
EXPECTED = {"signature": "shape_error", "params": ["W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    hidden_pre = np.dot(X, W1) + b1
    hidden = np.maximum(hidden_pre, 0)
    scores = np.dot(hidden, W2) + b2
    scores -= np.max(scores, axis=1, keepdims=True)
    exp_s = np.exp(scores)
    sum_s = np.sum(exp_s, axis=1, keepdims=True)
    L = np.mean(np.log(sum_s).ravel() - scores[np.arange(N), y])
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = exp_s / sum_s
    dscores[np.arange(N), y] -= 1
    dscores /= N
    dW2 = np.dot(dscores.T, hidden) + reg * W2.T
    db2 = np.sum(dscores, axis=0)
    dhidden = np.dot(dscores, W2.T) * (hidden_pre > 0)
    dW1 = np.dot(X.T, dhidden) + reg * W1
    db1 = np.sum(dhidden, axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

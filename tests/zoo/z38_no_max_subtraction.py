"""Softmax exponentiates the raw logits, with no max subtraction."""
import numpy as np

# Bug: np.exp(scores) without subtracting the row max overflows to inf (then nan) for large logits.
EXPECTED = {"signature": "nonfinite"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    exp_scores = np.exp(scores)
    sums = exp_scores.sum(axis=1, keepdims=True)
    probs = exp_scores / sums
    L = np.mean(np.log(sums[:, 0]) - scores[np.arange(N), y])
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = probs
    dscores[np.arange(N), y] -= 1
    dscores /= N
    dW2 = h1.T @ dscores + reg * W2
    db2 = dscores.sum(axis=0)
    dz1 = (dscores @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

"""Two-layer net that recomputes the ReLU mask for dX from X @ W1, forgetting b1."""
# bug: the mask used for dX is (X @ W1 > 0), not (X @ W1 + b1 > 0); dW1 and db1 use the right mask.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["X"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    sums = probs.sum(axis=1, keepdims=True)
    probs /= sums
    total = np.mean(np.log(sums[:, 0]) - scores[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dh1 = dscores @ W2.T
    dz1 = dh1 * (z1 > 0)
    grads = {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0), "W2": h1.T @ dscores + reg * W2,
             "b2": dscores.sum(axis=0)}
    if return_dX:
        dX = (dh1 * (X @ W1 > 0)) @ W1.T  # BUG: mask recomputed without the bias
        return total, grads, dX
    return total, grads

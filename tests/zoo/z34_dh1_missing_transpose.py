"""Back-propagates into the hidden layer with dscores @ W2, forgetting the transpose."""
import numpy as np

# Bug: dh1 = dscores @ W2 multiplies (N, C) by (H, C), which raises a matmul shape error unless H == C.
EXPECTED = {"signature": "shape_error"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    L = -log_probs[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dW2 = h1.T @ dscores + reg * W2
    db2 = dscores.sum(axis=0)
    dh1 = dscores @ W2
    dz1 = dh1 * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

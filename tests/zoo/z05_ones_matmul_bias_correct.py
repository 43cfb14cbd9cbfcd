"""Bias gradients computed as ones(N) @ G instead of a sum over rows."""
import numpy as np

# Correct.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    ones = np.ones(N)
    Z = X @ W1 + np.outer(ones, b1)
    A = np.maximum(Z, 0.0)
    S = A @ W2 + np.outer(ones, b2)
    S = S - S.max(axis=1, keepdims=True)
    logZ = np.log(np.exp(S).sum(axis=1))
    data = (ones @ (logZ - S[np.arange(N), y])) / N
    total = data + 0.5 * reg * (np.vdot(W1, W1) + np.vdot(W2, W2))

    G = np.exp(S - logZ[:, None])
    G[np.arange(N), y] -= 1.0
    G /= N
    dW2 = A.T @ G + reg * W2
    db2 = ones @ G
    GZ = (G @ W2.T) * (Z > 0)
    dW1 = X.T @ GZ + reg * W1
    db1 = ones @ GZ
    return total, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

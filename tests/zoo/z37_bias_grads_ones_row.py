"""Bias gradients as np.ones((1, N)) @ G, which keeps a leading axis of length 1."""
import numpy as np

# Bug: db1 and db2 come out as (1, H) and (1, C) rows instead of (H,) and (C,).
EXPECTED = {"signature": "shape_error", "params": ["b1", "b2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    ones = np.ones((1, N))
    Z = X @ W1 + b1
    A = np.maximum(Z, 0.0)
    S = A @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    logZ = np.log(np.exp(S).sum(axis=1, keepdims=True))
    L = float(np.mean(logZ[:, 0] - S[np.arange(N), y]))
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    G2 = np.exp(S - logZ)
    G2[np.arange(N), y] -= 1.0
    G2 /= N
    G1 = (G2 @ W2.T) * (Z > 0)
    return L, {"W1": X.T @ G1 + reg * W1, "b1": ones @ G1,
               "W2": A.T @ G2 + reg * W2, "b2": ones @ G2}

"""dscores is the softmax divided by N, with the 1 at the true label never subtracted."""
import numpy as np

# Bug: dscores = probs / N (no - onehot), so all four gradients are wrong with no common factor.
EXPECTED = {"signature": "mixed"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    norm = e.sum(axis=1)
    L = np.mean(np.log(norm) - s[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    probs = e / norm[:, None]
    dscores = probs / N
    dW2 = h1.T @ dscores + reg * W2
    db2 = dscores.sum(axis=0)
    dz1 = (dscores @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

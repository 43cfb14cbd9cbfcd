"""Subtracts the 1 in dscores at column (y + 1) % C, an off-by-one on the label index."""
import numpy as np

# Bug: the one-hot in dscores sits at the wrong column, so all four gradients are wrong with no common factor.
EXPECTED = {"signature": "mixed"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    hin = np.dot(X, W1) + b1
    hout = np.maximum(hin, 0)
    logits = np.dot(hout, W2) + b2
    logits -= logits.max(axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(logits), axis=1))
    L = np.sum(lse - logits[np.arange(N), y]) / N
    L += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    g = np.exp(logits - lse[:, None])
    g[np.arange(N), (y + 1) % C] -= 1.0
    g /= N
    dW2 = np.dot(hout.T, g) + reg * W2
    db2 = g.sum(axis=0)
    dhin = np.dot(g, W2.T)
    dhin[hin <= 0] = 0.0
    dW1 = np.dot(X.T, dhin) + reg * W1
    db1 = dhin.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

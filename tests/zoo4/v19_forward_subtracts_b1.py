"""Two-layer net whose forward pass subtracts b1 (out = x @ w - b), with the backward of out = x @ w + b."""
# bug: z1 = X @ W1 - b1, so dL/db1 = -sum(dz1), but db1 = +sum(dz1). A bias of -1000 makes z1
# about +1000: no unit is dead in this network.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["b1"], "factor": -1.0}


def affine(x, w, b):
    return x @ w - b  # BUG: minus


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = affine(X, W1, b1)
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    m = scores.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    L = np.mean(lse[:, 0] - scores[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = np.exp(scores - lse)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dz1 = (dscores @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ dscores + reg * W2, "b2": dscores.sum(axis=0)}

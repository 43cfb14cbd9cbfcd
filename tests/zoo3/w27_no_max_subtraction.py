"""Two-layer net whose softmax exponentiates the raw logits without subtracting the row max."""
# bug: exact for small logits, but exp(1e4) overflows to inf and inf / inf gives nan at large logits.
import numpy as np

EXPECTED = {"signature": "nonfinite"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    e = np.exp(scores)  # BUG: no scores - scores.max(axis=1, keepdims=True)
    probs = e / e.sum(axis=1, keepdims=True)
    L = -np.mean(np.log(probs[rows, y])) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = probs.copy()
    d[rows, y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

"""Two-layer net whose log-sum-exp is max + log1p(sum of the non-max exponentials)."""
# correct: lse = m + log1p(sum_{j != argmax} exp(s_j - m)), exact and stable for any spread.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    top = np.argmax(scores, axis=1)
    m = scores[rows, top]
    shifted = scores - m[:, None]           # <= 0, exactly 0 at the argmax
    rest = np.exp(shifted)
    rest[rows, top] = 0.0                   # drop the exp(0) = 1 term, log1p adds it back
    log_norm = np.log1p(rest.sum(axis=1))   # (N,)
    log_probs = shifted - log_norm[:, None]
    data = -np.mean(log_probs[rows, y])
    L = data + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    d = np.exp(log_probs)
    d[rows, y] -= 1.0
    d /= N
    dW2 = h1.T @ d + reg * W2
    db2 = d.sum(axis=0)
    dz1 = (d @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

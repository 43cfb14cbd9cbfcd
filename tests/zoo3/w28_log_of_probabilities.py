"""Two-layer net that takes np.log of the (stable) softmax probabilities instead of using log-softmax."""
# bug: the probabilities are max-shifted, but a correct-class probability below 1e-308 underflows to 0
# at large logit spreads and log(0) = -inf makes the loss inf; ordinary logits are exact.
import numpy as np

EXPECTED = {"signature": "nonfinite"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    L = -np.mean(np.log(probs[rows, y]))  # BUG: log of an underflowed probability
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = probs.copy()
    d[rows, y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

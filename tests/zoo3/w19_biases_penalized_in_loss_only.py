"""Two-layer net whose loss penalizes the biases too while the gradients regularize only the weights."""
# bug (forward only): the penalty sums the squares of every parameter; db1, db2 lack reg * b, so at
# reg > 0 exactly b1 and b2 disagree with the own loss; reg = 0 is exact.
import numpy as np

EXPECTED = {"signature": "reg_only", "params": ["b1", "b2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data = -np.mean(log_probs[rows, y])
    penalty = sum(np.sum(p * p) for p in params.values())  # BUG: includes b1 and b2
    L = data + 0.5 * reg * penalty
    d = np.exp(log_probs)
    d[rows, y] -= 1.0
    d /= N
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

"""Two-layer net whose return_dX branch returns before the penalty's gradient is added."""
# bug: with return_dX=True the function leaves before `grads[W] += reg * W`, so at reg > 0 its weight
# gradients differ from the ones the same call returns without return_dX (which are right).
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "W2"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    L = -np.mean(log_probs[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dz1 = (dscores @ W2.T) * (z1 > 0)
    grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": h1.T @ dscores, "b2": dscores.sum(axis=0)}
    if return_dX:
        return L, grads, dz1 @ W1.T  # BUG: returns before the reg terms below
    grads["W1"] += reg * W1
    grads["W2"] += reg * W2
    return L, grads

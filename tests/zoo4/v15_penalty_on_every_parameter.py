"""Two-layer net that penalizes every parameter, biases included, in the loss and in the gradients."""
# bug (consistent): sum over all of params of (reg / 2) * ||p||^2 with gradient reg * p everywhere;
# this project leaves the biases unregularized.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    N = X.shape[0]
    z1 = X @ params["W1"] + params["b1"]
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ params["W2"] + params["b2"]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data = -np.mean(log_probs[np.arange(N), y])
    penalty = 0.5 * reg * sum(np.sum(p * p) for p in params.values())  # BUG: biases too
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dz1 = (dscores @ params["W2"].T) * (z1 > 0)
    grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": h1.T @ dscores, "b2": dscores.sum(axis=0)}
    grads = {name: g + reg * params[name] for name, g in grads.items()}
    return data + penalty, grads

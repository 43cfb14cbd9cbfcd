"""Two-layer softmax loss that accumulates dW1 into an alias of params["W1"] instead of a copy."""
# Bug: dW1 = W1; dW1 *= reg; dW1 += X.T @ dz overwrites the caller's W1 with its gradient.
# The returned values are right (computed before the overwrite), and grads["W1"] is params["W1"].
import numpy as np

EXPECTED = {"signature": "mutates_input", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    total_reg = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), y].mean()
    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * (z > 0)
    dW2 = h.T @ ds + reg * W2
    dW1 = W1  # meant to be a copy
    dW1 *= reg
    dW1 += X.T @ dz
    return data_loss + total_reg, {"W1": dW1, "b1": dz.sum(axis=0), "W2": dW2, "b2": ds.sum(axis=0)}

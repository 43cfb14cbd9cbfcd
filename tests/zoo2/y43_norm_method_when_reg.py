"""Two-layer softmax loss that calls a torch-style .norm() on the weights, only when reg > 0."""
# Bug: numpy arrays have no .norm() method: AttributeError, raised only on the reg > 0 path
# (the reg = 0 path is entirely correct).
import numpy as np

EXPECTED = {"signature": "crash", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    total = -logp[np.arange(N), y].mean()
    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * (z > 0)
    grads = {"W1": X.T @ dz, "b1": dz.sum(axis=0), "W2": h.T @ ds, "b2": ds.sum(axis=0)}
    if reg > 0:
        total = total + 0.5 * reg * (W1.norm() ** 2 + W2.norm() ** 2)
        grads["W1"] = grads["W1"] + reg * W1
        grads["W2"] = grads["W2"] + reg * W2
    return total, grads

"""Two-layer softmax loss whose backward forgets the 1/N of the mean (the loss itself is a mean)."""
# Bug: dscores = p - onehot is never divided by N. At reg = 0 every gradient is N times too
# large (one common factor); at reg > 0 the penalty term is not scaled, so the factor differs.
import numpy as np

EXPECTED = {"signature": "uniform_scale", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -log_probs[np.arange(N), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0  # (N, C): no / N here
    dz = (dscores @ W2.T) * (z > 0)
    grads = {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ dscores + reg * W2,
        "b2": dscores.sum(axis=0),
    }
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), grads

"""Two-layer net that returns every gradient as a Fortran-ordered float64 array."""
# correct: values are the reference ones; np.asfortranarray only changes the memory layout.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(N)
    L = -log_probs[rows, y].mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    dscores /= N
    dz1 = (dscores @ W2.T) * (z1 > 0)
    grads = {
        "W1": np.asfortranarray(X.T @ dz1 + reg * W1, dtype=np.float64),
        "b1": np.asfortranarray(dz1.sum(axis=0), dtype=np.float64),
        "W2": np.asfortranarray(h1.T @ dscores + reg * W2, dtype=np.float64),
        "b2": np.asfortranarray(dscores.sum(axis=0), dtype=np.float64),
    }
    return L, grads

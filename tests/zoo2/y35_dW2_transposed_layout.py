"""Two-layer softmax loss that computes dW2 consistently in the transposed (C, H) layout."""
# Bug: dW2 = dscores.T @ h + reg * W2.T has shape (C, H) instead of (H, C); with H == C it
# would be a wrong-valued transpose instead.
import numpy as np

EXPECTED = {"signature": "shape_error", "params": ["W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
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
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": ds.T @ h + reg * W2.T,
        "b2": ds.sum(axis=0),
    }

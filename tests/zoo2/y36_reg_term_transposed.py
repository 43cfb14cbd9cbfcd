"""Two-layer softmax loss that adds the L2 term to dW2 as reg * W2.T, but only when reg is nonzero."""
# Bug: `if reg: dW2 = dW2 + reg * W2.T` -- correct at reg = 0; at reg > 0 with H != C the add
# raises a broadcast (shape) error (with H == C it would silently add the transpose).
import numpy as np

EXPECTED = {"signature": "shape_error", "params": []}


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
    dW1, dW2 = X.T @ dz, h.T @ ds
    if reg:
        dW1 = dW1 + reg * W1
        dW2 = dW2 + reg * W2.T
    total = data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    return total, {"W1": dW1, "b1": dz.sum(axis=0), "W2": dW2, "b2": ds.sum(axis=0)}

"""Two-layer softmax loss that averages the penalty gradient over the batch (reg * W / N)."""
# Bug: the L2 gradient is divided by N like the data term, while the loss keeps (reg/2)||W||^2.
# Right at reg = 0; at reg > 0 W1 and W2 disagree with the returned loss.
import numpy as np

EXPECTED = {"signature": "reg_only", "params": ["W1", "W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), y].mean()
    G = np.exp(logp)
    G[np.arange(N), y] -= 1.0  # unscaled
    dz = (G @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": (X.T @ dz + reg * W1) / N,
        "b1": dz.sum(axis=0) / N,
        "W2": (h.T @ G + reg * W2) / N,
        "b2": G.sum(axis=0) / N,
    }

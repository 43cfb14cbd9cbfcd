"""Hidden layer is a leaky ReLU (slope 0.01) in both the forward and the backward pass."""
import numpy as np

# Bug: leaky ReLU instead of ReLU changes the loss; the gradients are consistent with the leaky network.
EXPECTED = {"signature": "loss_mismatch"}

ALPHA = 0.01


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    slope = np.where(z > 0, 1.0, ALPHA)
    h = z * slope
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -logp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1
    ds /= N
    dz = (ds @ W2.T) * slope
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(axis=0),
               "W2": h.T @ ds + reg * W2, "b2": ds.sum(axis=0)}

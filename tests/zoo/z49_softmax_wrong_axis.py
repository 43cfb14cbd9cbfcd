"""Loss is right, but the probabilities used in dscores are normalised down columns (axis 0)."""
import numpy as np

# Bug: dscores uses a softmax over the batch axis instead of the class axis, so all four gradients are wrong.
EXPECTED = {"signature": "mixed"}


def softmax(a, axis):
    a = a - a.max(axis=axis, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=axis, keepdims=True)


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    sh = s - s.max(axis=1, keepdims=True)
    L = np.mean(np.log(np.exp(sh).sum(axis=1)) - sh[np.arange(N), y])
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = softmax(s, axis=0)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz1 = (ds @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ ds + reg * W2, "b2": ds.sum(axis=0)}

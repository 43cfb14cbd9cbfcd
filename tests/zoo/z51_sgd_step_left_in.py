"""Returns the right loss and gradients but also applies an SGD step to params in place."""
import numpy as np

# Bug: a leftover training update (params[k] -= lr * grad) modifies the caller's parameter arrays.
EXPECTED = {"signature": "mutates_input"}

LEARNING_RATE = 1e-2


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -logp[np.arange(N), y].mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz1 = (ds @ W2.T) * (z1 > 0)
    grads = {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
             "W2": h1.T @ ds + reg * W2, "b2": ds.sum(axis=0)}
    for name, g in grads.items():
        params[name] -= LEARNING_RATE * g
    return L, grads

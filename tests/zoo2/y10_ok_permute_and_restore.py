"""Two-layer softmax loss that sorts the batch by label in place and puts it back before returning."""
# Correct: X and y are permuted in place during the call but restored exactly (a permutation
# copies values, so the bits after the call are identical); the mean loss is order-invariant.
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    order = np.argsort(y, kind="stable")
    X[...] = X[order]
    y[...] = y[order]
    try:
        N = X.shape[0]
        rows = np.arange(N)
        z = X @ W1 + b1
        h = np.maximum(z, 0.0)
        s = h @ W2 + b2
        s = s - s.max(axis=1, keepdims=True)
        lse = np.log(np.exp(s).sum(axis=1, keepdims=True))
        logp = s - lse
        data = -logp[rows, y].mean()
        g = np.exp(logp)
        g[rows, y] -= 1.0
        g /= N
        dz = (g @ W2.T) * (z > 0)
        grads = {
            "W1": X.T @ dz + reg * W1,
            "b1": dz.sum(axis=0),
            "W2": h.T @ g + reg * W2,
            "b2": g.sum(axis=0),
        }
    finally:
        inverse = np.argsort(order)
        X[...] = X[inverse]
        y[...] = y[inverse]
    return data + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), grads

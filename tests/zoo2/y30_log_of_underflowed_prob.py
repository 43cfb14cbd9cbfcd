"""Two-layer softmax loss that takes log of the (stable) softmax probability of the true class."""
# Bug: -log(p[y]) with p from a max-shifted softmax; when the true class sits more than ~745
# below the row max (large-logit probe), p[y] underflows to 0 and the loss is inf.
import numpy as np

EXPECTED = {"signature": "nonfinite", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    data_loss = -np.mean(np.log(probs[np.arange(N), y]))
    ds = probs.copy()
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }

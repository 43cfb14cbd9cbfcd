"""Two-layer softmax loss whose backward builds the one-hot from np.sort(y) (loss uses y)."""
# Bug: the one-hot rows are misaligned with the examples. Sorting keeps the class counts, so
# db2 = sum(p) - counts is still exactly right; W1, b1 and W2 disagree.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "b1", "W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), y].mean()
    labels = np.sort(y)  # a sorted copy: grouped by class for the one-hot
    onehot = np.zeros((N, C))
    onehot[np.arange(N), labels] = 1.0
    ds = (np.exp(logp) - onehot) / N
    dz = (ds @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }

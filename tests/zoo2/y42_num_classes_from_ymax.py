"""Two-layer softmax loss that infers the number of classes as y.max() for its one-hot matrix."""
# Bug: np.eye(y.max())[y] has C - 1 rows, so the label C - 1 raises IndexError ("index 2 is
# out of bounds for axis 0 with size 2") -- an indexing crash, not a shape mismatch.
import numpy as np

EXPECTED = {"signature": "crash", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    num_classes = int(y.max())  # should be y.max() + 1, or W2.shape[1]
    Y = np.eye(num_classes)[y]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -np.sum(Y * logp) / N
    ds = (np.exp(logp) - Y) / N
    dz = (ds @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }

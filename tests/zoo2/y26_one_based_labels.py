"""Two-layer softmax loss that treats the labels as 1-based (indexes class y - 1) in loss and backward."""
# Bug: y - 1 picks class y-1 (and wraps 0 to the last class), consistently in the loss and the
# one-hot, so the gradients match the returned loss, which is the loss of the wrong labels.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    cls = y - 1  # labels "are 1-based"
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), cls].mean()
    ds = np.exp(logp)
    ds[np.arange(N), cls] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }

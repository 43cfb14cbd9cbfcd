"""Two-layer softmax loss that returns [loss, grads] as a list instead of a tuple."""
# Bug: the return value is a list -- the wrong structure for the (loss, grads) interface,
# although both items are correct.
import numpy as np

EXPECTED = {"signature": "crash", "params": []}


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
    grads = {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }
    return [data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), grads]

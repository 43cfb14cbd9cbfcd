"""Two-layer softmax loss that L2-regularizes the biases too, in the loss and the gradients alike."""
# Bug: the penalty includes ||b1||^2 + ||b2||^2 and the bias gradients add reg * b. Everything
# is self-consistent; only at reg > 0 the loss differs from the reference convention.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    N = X.shape[0]
    z = X @ params["W1"] + params["b1"]
    h = np.maximum(z, 0.0)
    scores = h @ params["W2"] + params["b2"]
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), y].mean()
    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ params["W2"].T) * (z > 0)
    raw = {"W1": X.T @ dz, "b1": dz.sum(axis=0), "W2": h.T @ ds, "b2": ds.sum(axis=0)}
    penalty = 0.5 * reg * sum(np.sum(p * p) for p in params.values())
    grads = {k: raw[k] + reg * params[k] for k in raw}
    return data_loss + penalty, grads

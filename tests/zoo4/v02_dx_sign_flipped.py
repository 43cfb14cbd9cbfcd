"""Two-layer net whose input gradient has its sign flipped (the author thought of gradient descent on X)."""
# bug: dX = -(dz1 W1^T); every parameter gradient is right, only the returned dX is negated.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["X"], "factor": -1.0}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1 = params["W1"], params["b1"]
    W2, b2 = params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X.dot(W1) + b1
    a1 = np.maximum(0, z1)
    s = a1.dot(W2) + b2
    s = s - np.max(s, axis=1, keepdims=True)
    log_p = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
    data_loss = -np.sum(log_p[np.arange(N), y]) / N
    total = data_loss + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    ds = np.exp(log_p)
    ds[np.arange(N), y] -= 1
    ds /= N
    grads = {"W2": a1.T.dot(ds) + reg * W2, "b2": np.sum(ds, axis=0)}
    da1 = ds.dot(W2.T)
    dz1 = da1 * (z1 > 0)
    grads["W1"] = X.T.dot(dz1) + reg * W1
    grads["b1"] = np.sum(dz1, axis=0)
    if return_dX:
        dX = -dz1.dot(W1.T)  # BUG: the minus belongs to an update step, not to the gradient
        return total, grads, dX
    return total, grads

"""Builds the W2 weight-decay term in place on an alias of W2 (decay = W2; decay *= reg)."""
import numpy as np

# Bug: `decay *= reg` scales the caller's W2 in place (to zeros when reg = 0); loss and gradients are still right.
EXPECTED = {"signature": "mutates_input"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = np.dot(X, W1) + b1
    h1 = np.maximum(z1, 0)
    s = np.dot(h1, W2) + b2
    s -= s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    data_loss = np.mean(lse - s[np.arange(N), y])
    reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = np.exp(s - lse[:, None])
    ds[np.arange(N), y] -= 1
    ds /= N
    dh1 = np.dot(ds, W2.T)
    dz1 = dh1 * (z1 > 0)
    dW1 = np.dot(X.T, dz1) + reg * W1
    db1 = dz1.sum(axis=0)
    dW2 = np.dot(h1.T, ds)
    db2 = ds.sum(axis=0)
    decay = W2
    decay *= reg
    dW2 += decay
    return data_loss + reg_loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

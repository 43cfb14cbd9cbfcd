"""Knowing that the batch mean cancels b1, the function clears it in place before the forward pass."""
# bug: params["b1"][:] = 0 overwrites the caller's b1; loss and gradients are the reference's (b1 does not
# change the loss, db1 is zero either way), but the input is modified.
import numpy as np

EXPECTED = {"signature": "mutates_input"}


def loss(params, X, y, reg=0.0):
    b1 = params["b1"]
    b1[:] = 0.0  # redundant before batch norm
    W1, W2 = params["W1"], params["W2"]
    N = X.shape[0]
    z = X @ W1 + b1
    mu = z.mean(axis=0)
    sd = np.sqrt(z.var(axis=0) + 1e-5)
    xhat = (z - mu) / sd
    bn = params["gamma"] * xhat + params["beta"]
    h = np.maximum(bn, 0)
    s = h @ W2 + params["b2"]
    s = s - s.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -lp[np.arange(N), y].mean() + 0.5 * reg * ((W1 ** 2).sum() + (W2 ** 2).sum())
    d = np.exp(lp)
    d[np.arange(N), y] -= 1
    d /= N
    dbn = d @ W2.T * (bn > 0)
    dxhat = dbn * params["gamma"]
    dz = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / sd
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(axis=0), "gamma": (dbn * xhat).sum(axis=0),
               "beta": dbn.sum(axis=0), "W2": h.T @ d + reg * W2, "b2": d.sum(axis=0)}

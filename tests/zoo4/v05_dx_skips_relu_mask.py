"""Two-layer net whose input gradient is formed from dh1, before the ReLU mask."""
# bug: dX = dh1 @ W1.T, the gradient at the ReLU's output pushed through W1 without the mask (z1 > 0);
# dW1 and db1 use the masked dz1 and are right.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["X"]}


class _Cache(object):
    pass


def loss(params, X, y, reg=0.0, return_dX=False):
    c = _Cache()
    c.z = X @ params["W1"] + params["b1"]
    c.h = np.maximum(c.z, 0.0)
    c.s = c.h @ params["W2"] + params["b2"]
    N = X.shape[0]
    shifted = c.s - c.s.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    value = -logp[np.arange(N), y].sum() / N
    value += 0.5 * reg * ((params["W1"] ** 2).sum() + (params["W2"] ** 2).sum())
    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dh = ds @ params["W2"].T
    dz = dh * (c.z > 0)
    grads = {
        "W1": X.T @ dz + reg * params["W1"],
        "b1": dz.sum(axis=0),
        "W2": c.h.T @ ds + reg * params["W2"],
        "b2": ds.sum(axis=0),
    }
    if not return_dX:
        return value, grads
    dX = dh @ params["W1"].T  # BUG: dh instead of dz: the ReLU mask is skipped
    return value, grads, dX

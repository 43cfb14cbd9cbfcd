"""L2 gradient is divided by the batch size along with the data gradient."""
import numpy as np

# Bug: the weight-decay gradient is (reg * W) / N instead of reg * W, so with reg > 0 W1 and W2 are wrong.
EXPECTED = {"signature": "reg_only", "params": ["W1", "W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    L = (np.sum(lse - s[np.arange(N), y]) + 0.5 * reg * N * (np.sum(W1 * W1) + np.sum(W2 * W2))) / N

    # gradient of the summed loss first, then one division by N for everything
    ds = np.exp(s - lse[:, None])
    ds[np.arange(N), y] -= 1.0
    dW2 = h.T @ ds + reg * W2
    db2 = ds.sum(axis=0)
    dz = (ds @ W2.T) * (z > 0)
    dW1 = X.T @ dz + reg * W1
    db1 = dz.sum(axis=0)
    return L, {"W1": dW1 / N, "b1": db1 / N, "W2": dW2 / N, "b2": db2 / N}

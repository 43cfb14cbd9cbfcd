"""Two-layer net that forms dX as W1 @ dz1.T, the transpose of the input gradient."""
# bug: W1 (D, H) @ dz1.T (H, N) is (D, N): the factors are swapped, dX comes out transposed.
import numpy as np

EXPECTED = {"signature": "shape_error", "params": ["X"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = np.dot(X, W1) + b1
    h1 = z1 * (z1 > 0)
    sc = np.dot(h1, W2) + b2
    sc -= sc.max(axis=1, keepdims=True)
    ex = np.exp(sc)
    pr = ex / ex.sum(axis=1, keepdims=True)
    L = np.mean(np.log(ex.sum(axis=1)) - sc[rows, y]) + 0.5 * reg * (np.vdot(W1, W1) + np.vdot(W2, W2))
    d = pr
    d[rows, y] -= 1
    d /= N
    dz1 = np.dot(d, W2.T) * (z1 > 0)
    grads = {"W1": np.dot(X.T, dz1) + reg * W1, "b1": dz1.sum(0),
             "W2": np.dot(h1.T, d) + reg * W2, "b2": d.sum(0)}
    if return_dX:
        return L, grads, np.dot(W1, dz1.T)  # BUG: (D, N); the input gradient is dz1 @ W1.T, (N, D)
    return L, grads

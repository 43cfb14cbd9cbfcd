"""Two-layer softmax loss that starts each weight gradient from reg * W and uses np.bincount for db2."""
# Correct: dW = reg * W is a fresh array, += accumulates the data term into it; db2 is
# sum(p) - bincount(y), the column sums of p - onehot(y).
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], b2.shape[0]
    dW1 = reg * W1
    dW2 = reg * W2
    reg_loss = 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    sc = h @ W2 + b2
    sc_max = sc.max(axis=1, keepdims=True)
    ex = np.exp(sc - sc_max)
    den = ex.sum(axis=1)
    lp_y = sc[np.arange(N), y] - sc_max[:, 0] - np.log(den)
    data_loss = -lp_y.mean()

    p = ex / den[:, None]
    onehot = np.zeros_like(p)
    onehot[np.arange(N), y] = 1.0
    ds = (p - onehot) / N
    dz = (ds @ W2.T) * (z > 0)
    dW1 += X.T @ dz
    db1 = dz.sum(axis=0)
    dW2 += h.T @ ds
    db2 = (p.sum(axis=0) - np.bincount(y, minlength=C)) / N
    return reg_loss + data_loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

"""Two-layer softmax loss that reuses private copies of W1, W2 as gradient buffers and masks with sign(h)."""
# Correct: W1 and W2 are copied before being overwritten in place (the penalty is taken first);
# np.sign(h) is 1 where z > 0 and 0 elsewhere.
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, reg=0.0):
    W1 = params["W1"].copy()
    W2 = params["W2"].copy()
    b1, b2 = params["b1"], params["b2"]
    N = X.shape[0]
    penalty = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    h = np.maximum(X @ W1 + b1, 0.0)
    s = h @ W2 + b2
    s -= s.max(axis=1, keepdims=True)
    logZ = np.log(np.exp(s).sum(axis=1))
    data = (logZ - s[np.arange(N), y]).sum() / N
    ds = np.exp(s - logZ[:, None])
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * np.sign(h)

    W2 *= reg  # private copy becomes dW2
    W2 += h.T @ ds
    W1 *= reg  # private copy becomes dW1
    W1 += X.T @ dz
    return data + penalty, {"W1": W1, "b1": dz.sum(0), "W2": W2, "b2": ds.sum(0)}

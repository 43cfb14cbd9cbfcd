"""Two-layer softmax loss that takes reg as a keyword-only argument and uses vdot for the penalty."""
# Correct: `*, reg=0.0` only forbids passing reg positionally; the maths is the reference's.
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, *, reg=0.0):
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    N = X.shape[0]
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0.0)
    s = a1 @ W2 + b2
    s = s - s.max(axis=1)[:, None]
    logsum = np.log(np.sum(np.exp(s), axis=1))
    L = -np.mean(s[np.arange(N), y] - logsum)
    L += 0.5 * reg * (np.vdot(W1, W1) + np.vdot(W2, W2))

    d = np.exp(s - logsum[:, None])
    d[np.arange(N), y] -= 1
    d /= N
    dW2 = a1.T @ d + reg * W2
    db2 = d.sum(0)
    da1 = d @ W2.T
    dz1 = np.where(z1 > 0, da1, 0.0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(0)
    return L, dict(W1=dW1, b1=db1, W2=dW2, b2=db2)

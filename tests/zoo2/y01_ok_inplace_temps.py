"""Two-layer softmax loss whose in-place edits only ever touch arrays allocated in this call."""
# Correct: `z += b1`, `np.maximum(z, 0, out=z)`, `s -= ...`, `np.exp(s, out=s)`, `s /= N` all act
# on fresh internal temporaries; nothing passed in is written to.
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)

    z = X @ W1  # fresh (N, H)
    z += b1
    mask = z > 0  # taken before z is overwritten
    np.maximum(z, 0, out=z)  # z now holds h
    h = z

    s = h @ W2  # fresh (N, C)
    s += b2
    s -= s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))  # (N,)
    data_loss = np.mean(lse - s[rows, y])
    s -= lse[:, None]
    np.exp(s, out=s)  # s now holds the probabilities
    s[rows, y] -= 1.0
    s /= N
    dscores = s

    dW2 = h.T @ dscores
    dW2 += reg * W2
    db2 = dscores.sum(axis=0)
    dz = dscores @ W2.T
    dz *= mask
    dW1 = X.T @ dz
    dW1 += reg * W1
    db1 = dz.sum(axis=0)

    total = data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    return total, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

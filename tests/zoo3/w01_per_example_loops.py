"""Two-layer net whose gradients are accumulated one example at a time in explicit Python loops."""
# correct: slow per-example forward/backward, summed then divided by N once; same values as the reference.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    dW1 = np.zeros_like(W1)
    db1 = np.zeros_like(b1)
    dW2 = np.zeros_like(W2)
    db2 = np.zeros_like(b2)
    total = 0.0
    for i in range(N):
        x = X[i]                      # (D,)
        z = x @ W1 + b1               # (H,)
        h = np.maximum(z, 0.0)        # (H,)
        s = h @ W2 + b2               # (C,)
        s = s - s.max()
        lse = np.log(np.sum(np.exp(s)))
        total += lse - s[y[i]]
        p = np.exp(s - lse)           # (C,)
        p[y[i]] -= 1.0
        dW2 += np.outer(h, p)         # (H, C)
        db2 += p
        dh = W2 @ p                   # (H,)
        dz = dh * (z > 0)
        dW1 += np.outer(x, dz)        # (D, H)
        db1 += dz
    for g in (dW1, db1, dW2, db2):
        g /= N
    L = total / N + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dW1 += reg * W1
    dW2 += reg * W2
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

"""ReLU backward masks by the activation h > 0 rather than the pre-activation."""
import numpy as np

# Correct (h > 0 and z > 0 select the same entries for ReLU).
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    batch = len(X)
    h = np.maximum(X @ W1 + b1, 0)
    f = h @ W2 + b2
    f -= np.max(f, axis=1, keepdims=True)
    sumexp = np.sum(np.exp(f), axis=1)
    correct = f[range(batch), y]
    L = np.mean(np.log(sumexp) - correct)
    L += 0.5 * reg * np.sum(W1 * W1) + 0.5 * reg * np.sum(W2 * W2)

    df = np.exp(f) / sumexp[:, np.newaxis]
    df[range(batch), y] -= 1
    df /= batch
    dW2 = np.dot(h.T, df) + reg * W2
    db2 = np.sum(df, axis=0)
    dh = np.dot(df, W2.T)
    dh[h <= 0] = 0
    dW1 = np.dot(X.T, dh) + reg * W1
    db1 = np.sum(dh, axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

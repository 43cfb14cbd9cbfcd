"""dW1 is formed from the unmasked dh1 while db1 correctly uses the masked dz1."""
import numpy as np

# Bug: dW1 = X.T @ dh1 skips the ReLU mask (db1 does not), so only W1's gradient is wrong.
EXPECTED = {"signature": "localized", "params": ["W1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = np.dot(X, W1) + b1
    h1 = np.maximum(z1, 0)
    z2 = np.dot(h1, W2) + b2
    z2 = z2 - np.max(z2, axis=1, keepdims=True)
    logp = z2 - np.log(np.sum(np.exp(z2), axis=1, keepdims=True))
    L = -np.sum(logp[np.arange(N), y]) / N
    L += 0.5 * reg * np.sum(W1 * W1) + 0.5 * reg * np.sum(W2 * W2)

    dz2 = np.exp(logp)
    dz2[np.arange(N), y] -= 1
    dz2 /= N
    dW2 = np.dot(h1.T, dz2) + reg * W2
    db2 = np.sum(dz2, axis=0)
    dh1 = np.dot(dz2, W2.T)
    dz1 = dh1 * (z1 > 0)
    dW1 = np.dot(X.T, dh1) + reg * W1
    db1 = np.sum(dz1, axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

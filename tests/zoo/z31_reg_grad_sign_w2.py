"""Weight-decay term for W2 subtracted from the gradient instead of added."""
import numpy as np

# Bug: dW2 uses - reg * W2 (sign slip), so with reg > 0 only W2's gradient is wrong.
EXPECTED = {"signature": "reg_only", "params": ["W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    Z1 = np.dot(X, W1) + b1
    A1 = np.maximum(0, Z1)
    Z2 = np.dot(A1, W2) + b2
    Z2 = Z2 - Z2.max(axis=1, keepdims=True)
    E = np.exp(Z2)
    P = E / E.sum(axis=1, keepdims=True)
    L = np.mean(np.log(E.sum(axis=1)) - Z2[np.arange(N), y])
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dZ2 = P.copy()
    dZ2[np.arange(N), y] -= 1
    dZ2 /= N
    dW2 = np.dot(A1.T, dZ2) - reg * W2
    db2 = dZ2.sum(axis=0)
    dZ1 = np.where(Z1 > 0, np.dot(dZ2, W2.T), 0)
    dW1 = np.dot(X.T, dZ1) + reg * W1
    db1 = dZ1.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

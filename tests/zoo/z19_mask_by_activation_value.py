"""ReLU backward multiplies the upstream gradient by the activation value h instead of a 0/1 mask."""
import numpy as np

# Bug: dz1 = dh1 * h1 (value, not indicator), so the W1 and b1 gradients are wrong.
EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


def relu(x):
    return np.maximum(x, 0)


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    h1 = relu(np.dot(X, W1) + b1)
    out = np.dot(h1, W2) + b2
    out -= out.max(axis=1, keepdims=True)
    e = np.exp(out)
    sm = e / e.sum(axis=1, keepdims=True)
    L = np.mean(np.log(e.sum(axis=1)) - out[np.arange(n), y])
    L += reg * 0.5 * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    dout = sm
    dout[np.arange(n), y] -= 1
    dout /= n
    dW2 = np.dot(h1.T, dout) + reg * W2
    db2 = np.sum(dout, axis=0)
    dh1 = np.dot(dout, W2.T)
    dz1 = dh1 * h1
    dW1 = np.dot(X.T, dz1) + reg * W1
    db1 = np.sum(dz1, axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

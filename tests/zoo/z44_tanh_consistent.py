"""Hidden nonlinearity is tanh, used consistently in the forward and backward pass."""
import numpy as np

# Bug: tanh instead of ReLU changes the loss; the gradients are the true gradients of the tanh network.
EXPECTED = {"signature": "loss_mismatch"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    a = np.tanh(np.dot(X, W1) + b1)
    o = np.dot(a, W2) + b2
    o = o - np.max(o, axis=1, keepdims=True)
    e = np.exp(o)
    Z = np.sum(e, axis=1, keepdims=True)
    L = np.mean(np.log(Z[:, 0]) - o[np.arange(N), y])
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    do = e / Z
    do[np.arange(N), y] -= 1
    do /= N
    dW2 = np.dot(a.T, do) + reg * W2
    db2 = np.sum(do, axis=0)
    dpre = np.dot(do, W2.T) * (1.0 - a * a)
    dW1 = np.dot(X.T, dpre) + reg * W1
    db1 = np.sum(dpre, axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

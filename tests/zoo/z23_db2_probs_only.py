"""Output bias gradient summed from the probabilities, without subtracting the one-hot target."""
import numpy as np

# Bug: db2 = probs.sum(0) / N ignores the labels, so only b2's gradient is wrong.
EXPECTED = {"signature": "localized", "params": ["b2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], b2.shape[0]
    onehot = np.eye(C)[y]
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    sc = h @ W2 + b2
    sc = sc - sc.max(axis=1, keepdims=True)
    lse = np.log(np.exp(sc).sum(axis=1, keepdims=True))
    probs = np.exp(sc - lse)
    L = -np.sum(onehot * (sc - lse)) / N + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dsc = (probs - onehot) / N
    dW2 = h.T @ dsc + reg * W2
    db2 = probs.sum(axis=0) / N
    dz = (dsc @ W2.T) * (z > 0)
    dW1 = X.T @ dz + reg * W1
    db1 = dz.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

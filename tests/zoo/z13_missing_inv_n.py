"""Loss is the batch mean, but dscores forgets to divide by N."""
import numpy as np

# Bug: dscores is softmax - onehot without the 1/N, so every gradient is N times too large (reg=0).
EXPECTED = {"signature": "uniform_scale"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    a1 = np.maximum(0.0, z1)
    scores = a1 @ W2 + b2
    scores -= scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    L = -np.mean(log_probs[np.arange(N), y])
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0
    dW2 = a1.T @ dscores + reg * W2
    db2 = dscores.sum(axis=0)
    dz1 = (dscores @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1 + reg * W1
    db1 = dz1.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

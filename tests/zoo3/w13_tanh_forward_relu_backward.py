"""Two-layer net with a tanh hidden layer in the forward and a ReLU hidden layer in the backward."""
# bug: the forward uses h1 = tanh(z1); the backward recomputes h1 = relu(z1) for dW2 and masks with (z1 > 0),
# so dW1, db1 and dW2 disagree with the own loss while db2 (only dscores) stays right.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "b1", "W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    scores = np.tanh(z1) @ W2 + b2  # BUG: tanh here, ReLU below
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -np.mean(log_probs[rows, y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(log_probs)
    d[rows, y] -= 1.0
    d /= N
    h1 = np.maximum(z1, 0.0)
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

"""Two-layer softmax loss using np.logaddexp.reduce for the log-partition and np.add.at for labels."""
# Correct: logaddexp.reduce is an overflow-free log-sum-exp; np.add.at subtracts the one-hot.
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = len(y)
    rows = np.arange(N)
    z = X.dot(W1) + b1
    h = np.maximum(z, 0.0)
    scores = h.dot(W2) + b2
    log_z = np.logaddexp.reduce(scores, axis=1)  # (N,)
    data_loss = np.sum(log_z - scores[rows, y]) / N
    reg_loss = reg / 2.0 * (np.sum(np.square(W1)) + np.sum(np.square(W2)))

    g = np.exp(scores - log_z[:, np.newaxis])  # softmax, (N, C)
    np.add.at(g, (rows, y), -1.0)
    g = g / N
    dW2 = np.dot(h.T, g) + reg * W2
    db2 = np.sum(g, axis=0)
    dh = np.dot(g, W2.T)
    dh[z <= 0] = 0.0
    dW1 = np.dot(X.T, dh) + reg * W1
    db1 = np.sum(dh, axis=0)
    return data_loss + reg_loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

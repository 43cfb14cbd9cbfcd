"""Cross-entropy and its gradient through an explicit one-hot label matrix."""
import numpy as np

# Correct.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1 = params["W1"]
    b1 = params["b1"]
    W2 = params["W2"]
    b2 = params["b2"]
    N = X.shape[0]
    C = W2.shape[1]

    Y = np.zeros((N, C))
    Y[np.arange(N), y] = 1.0

    hidden_in = X.dot(W1) + b1
    hidden = np.maximum(0, hidden_in)
    logits = hidden.dot(W2) + b2
    logits = logits - np.max(logits, axis=1, keepdims=True)
    log_z = np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    log_p = logits - log_z
    data_loss = -np.sum(Y * log_p) / N
    reg_loss = 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    d_logits = (np.exp(log_p) - Y) / N
    dW2 = hidden.T.dot(d_logits) + reg * W2
    db2 = np.sum(d_logits, axis=0)
    d_hidden = d_logits.dot(W2.T)
    d_hidden_in = d_hidden * (hidden_in > 0)
    dW1 = X.T.dot(d_hidden_in) + reg * W1
    db1 = np.sum(d_hidden_in, axis=0)
    return data_loss + reg_loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

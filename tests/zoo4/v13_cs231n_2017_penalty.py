"""Two-layer net with the penalty reg * sum(W**2) and its gradient 2 * reg * W (cs231n from 2017)."""
# bug (a convention, consistent): the loss and its gradient agree, but this project's penalty is
# (reg / 2) * ||W||^2, so at reg > 0 the loss is the reference's plus (reg / 2) * ||W||^2 once more.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    num_train = X.shape[0]
    h = np.maximum(0, X @ W1 + b1)
    scores = h @ W2 + b2
    scores = scores - np.max(scores, axis=1, keepdims=True)
    log_norm = np.log(np.sum(np.exp(scores), axis=1))
    data_loss = np.sum(log_norm - scores[np.arange(num_train), y]) / num_train
    loss_value = data_loss + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))  # BUG: no 1/2 (course convention)
    dscores = np.exp(scores - log_norm[:, None])
    dscores[np.arange(num_train), y] -= 1
    dscores /= num_train
    dh = dscores @ W2.T
    dh[h <= 0] = 0
    grads = {
        "W1": X.T @ dh + 2 * reg * W1,
        "b1": np.sum(dh, axis=0),
        "W2": h.T @ dscores + 2 * reg * W2,
        "b2": np.sum(dscores, axis=0),
    }
    return loss_value, grads

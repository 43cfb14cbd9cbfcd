"""Two-layer net in the cs231n starter style: scores shifted by the row max, then -log(probs[range(N), y])."""
# bug: the shift prevents overflow, but at within-row spreads of thousands the true class's probability
# underflows to 0 and log(0) makes the loss inf; the gradients (probs - onehot) stay finite.
import numpy as np

EXPECTED = {"signature": "nonfinite", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1 = params["W1"], params["b1"]
    W2, b2 = params["W2"], params["b2"]
    N, D = X.shape
    hidden = np.maximum(0, X.dot(W1) + b1)
    scores = hidden.dot(W2) + b2
    scores -= np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(N), y])  # BUG: log of a probability that can underflow to 0
    data_loss = np.sum(correct_logprobs) / N
    reg_loss = 0.5 * reg * np.sum(W1 * W1) + 0.5 * reg * np.sum(W2 * W2)
    loss_value = data_loss + reg_loss

    grads = {}
    dscores = probs
    dscores[range(N), y] -= 1
    dscores /= N
    grads["W2"] = np.dot(hidden.T, dscores) + reg * W2
    grads["b2"] = np.sum(dscores, axis=0)
    dhidden = np.dot(dscores, W2.T)
    dhidden[hidden <= 0] = 0
    grads["W1"] = np.dot(X.T, dhidden) + reg * W1
    grads["b1"] = np.sum(dhidden, axis=0)
    return loss_value, grads

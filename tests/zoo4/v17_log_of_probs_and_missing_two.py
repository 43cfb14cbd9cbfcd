"""Two-layer net with two bugs: -log of an underflowing probability, and a penalty gradient missing its 2."""
# bugs: -log(probs[y]) is inf when a probability underflows to 0 (large logits); the loss adds
# reg * ||W||^2 but the gradient adds reg * W instead of 2 * reg * W.
import numpy as np

EXPECTED = {"signature": "nonfinite", "params": [],
            "findings": [["nonfinite", []], ["reg_only", ["W1", "W2"]]]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    hidden_pre = X.dot(W1) + b1
    hidden = np.maximum(hidden_pre, 0)
    scores = hidden.dot(W2) + b2
    scores = scores - scores.max(axis=1)[:, np.newaxis]
    probs = np.exp(scores)
    probs = probs / probs.sum(axis=1)[:, np.newaxis]
    value = -np.log(probs[np.arange(N), y]).mean()  # BUG 1: log of an underflowed probability
    value += reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    dhidden = dscores.dot(W2.T) * (hidden_pre > 0)
    grads = {
        "W1": X.T.dot(dhidden) + reg * W1,  # BUG 2: the derivative of reg * ||W||^2 is 2 * reg * W
        "b1": dhidden.sum(axis=0),
        "W2": hidden.T.dot(dscores) + reg * W2,
        "b2": dscores.sum(axis=0),
    }
    return value, grads

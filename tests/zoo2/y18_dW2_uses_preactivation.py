"""Two-layer softmax loss whose dW2 multiplies by the pre-activation z instead of h = relu(z)."""
# Bug: dW2 = z.T @ dscores. The shapes agree, W1/b1/b2 are right; only W2 disagrees.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    pre = X @ W1 + b1
    act = np.maximum(pre, 0.0)
    out = act @ W2 + b2
    out = out - out.max(axis=1, keepdims=True)
    lse = np.log(np.exp(out).sum(axis=1, keepdims=True))
    data_loss = np.mean(lse[:, 0] - out[np.arange(N), y])
    dout = np.exp(out - lse)
    dout[np.arange(N), y] -= 1.0
    dout /= N
    dpre = (dout @ W2.T) * (pre > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dpre + reg * W1,
        "b1": dpre.sum(axis=0),
        "W2": pre.T @ dout + reg * W2,
        "b2": dout.sum(axis=0),
    }

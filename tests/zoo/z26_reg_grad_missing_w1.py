"""L2 penalty in the loss on both weights, but its gradient is only added to dW2."""
import numpy as np

# Bug: dW1 lacks the + reg * W1 term, so with reg > 0 only W1's gradient is wrong.
EXPECTED = {"signature": "reg_only", "params": ["W1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    s -= s.max(axis=1, keepdims=True)
    log_probs = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    data_loss = -log_probs[np.arange(N), y].mean()
    reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = np.exp(log_probs)
    ds[np.arange(N), y] -= 1
    ds /= N
    dW2 = h1.T @ ds
    db2 = ds.sum(axis=0)
    dz1 = (ds @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)
    dW2 += reg * W2
    return data_loss + reg_loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

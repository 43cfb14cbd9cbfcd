"""Loss has (reg/2)||W||^2 but the gradient adds 2 * reg * W, differentiating reg * ||W||^2."""
import numpy as np

# Bug: the L2 gradient term is 2 * reg * W instead of reg * W, so with reg > 0 W1 and W2 are wrong.
EXPECTED = {"signature": "reg_only", "params": ["W1", "W2"]}


def l2_penalty(reg, *weights):
    value = 0.5 * reg * sum(np.sum(w * w) for w in weights)
    grads = [2.0 * reg * w for w in weights]
    return value, grads


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    a = np.maximum(X @ W1 + b1, 0.0)
    o = a @ W2 + b2
    o = o - o.max(axis=1, keepdims=True)
    lse = np.log(np.exp(o).sum(axis=1))
    ce = np.mean(lse - o[np.arange(N), y])
    pen, (gW1, gW2) = l2_penalty(reg, W1, W2)

    do = np.exp(o - lse[:, None])
    do[np.arange(N), y] -= 1.0
    do /= N
    da = (do @ W2.T) * (a > 0)
    return ce + pen, {"W1": X.T @ da + gW1, "b1": da.sum(0),
                      "W2": a.T @ do + gW2, "b2": do.sum(0)}

"""The penalty (reg/2)(||W1||^2 + ||W2||^2) is in the loss, but only dW2 gets its + reg * W2."""
# bug: exact at reg = 0; at reg = 0.1 only dW1 disagrees with the own loss (which is the reference's),
# by reg * W1; b1, gamma, beta, W2, b2 are right.
import numpy as np

EXPECTED = {"signature": "reg_only", "params": ["W1"]}


def loss(params, X, y, reg=0.0):
    w1, b1, g, b, w2, b2 = params["W1"], params["b1"], params["gamma"], params["beta"], params["W2"], params["b2"]
    n = len(y)
    a = X @ w1 + b1
    a_bar = a.sum(0) / n
    a_c = a - a_bar
    sig2 = (a_c ** 2).sum(0) / n
    r = (sig2 + 1e-5) ** -0.5
    u = a_c * r
    v = g * u + b
    q = v * (v > 0)
    o = q @ w2 + b2
    o = o - o.max(1, keepdims=True)
    lq = o - np.log(np.exp(o).sum(1, keepdims=True))
    L = -lq[np.arange(n), y].sum() / n + reg / 2 * ((w1 ** 2).sum() + (w2 ** 2).sum())
    do = np.exp(lq)
    do[np.arange(n), y] -= 1
    do /= n
    dv = (do @ w2.T) * (v > 0)
    du = dv * g
    da = r * (du - du.sum(0) / n - u * (du * u).sum(0) / n)
    return L, {"W1": X.T @ da, "b1": da.sum(0), "gamma": (dv * u).sum(0), "beta": dv.sum(0),
               "W2": q.T @ do + reg * w2, "b2": do.sum(0)}

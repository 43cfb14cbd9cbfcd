"""Loss written out as a hand-rolled log-sum-exp helper, gradient from its softmax."""
import numpy as np

# Correct.
EXPECTED = {"signature": "ok"}


def _logsumexp(a):
    m = a.max(axis=1)
    return m + np.log(np.exp(a - m[:, None]).sum(axis=1))


def loss(params, X, y, reg=0.0):
    p = params
    num = len(y)
    pre = X @ p["W1"] + p["b1"]
    act = np.maximum(pre, 0.0)
    out = act @ p["W2"] + p["b2"]
    lse = _logsumexp(out)
    picked = out[np.arange(num), y]
    ce = np.sum(lse - picked) / num
    total = ce + (reg / 2.0) * (np.sum(p["W1"] * p["W1"]) + np.sum(p["W2"] * p["W2"]))

    soft = np.exp(out - lse[:, None])
    soft[np.arange(num), y] -= 1.0
    dout = soft / num
    grads = {}
    grads["W2"] = act.T @ dout + reg * p["W2"]
    grads["b2"] = dout.sum(0)
    dact = dout @ p["W2"].T
    dpre = dact * (pre > 0)
    grads["W1"] = X.T @ dpre + reg * p["W1"]
    grads["b1"] = dpre.sum(0)
    return total, grads

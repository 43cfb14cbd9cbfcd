"""RNN written recursively: the forward recursion returns the loss of the suffix and its gradients."""
import numpy as np

# Correct: backpropagation through time falls out of the recursion's return values.
EXPECTED = {"signature": "ok"}


def _log_softmax(s):
    m = s.max(axis=1, keepdims=True)
    return (s - m) - np.log(np.exp(s - m).sum(axis=1, keepdims=True))


def _run(t, h_prev, P, X, y, acc):
    """Cross-entropy summed from step t to the end, and dL/dh_prev; accumulates parameter grads."""
    N, T, _ = X.shape
    if t == T:
        return 0.0, np.zeros_like(h_prev)
    h = np.tanh(X[:, t] @ P["Wx"] + h_prev @ P["Wh"] + P["b"])
    lp = _log_softmax(h @ P["Wy"] + P["by"])
    here = -lp[np.arange(N), y[:, t]].sum()
    rest, dh_later = _run(t + 1, h, P, X, y, acc)
    g = np.exp(lp)
    g[np.arange(N), y[:, t]] -= 1.0
    acc["Wy"] += h.T @ g
    acc["by"] += g.sum(0)
    dh = g @ P["Wy"].T + dh_later
    da = dh * (1.0 - h * h)
    acc["Wx"] += X[:, t].T @ da
    acc["Wh"] += h_prev.T @ da
    acc["b"] += da.sum(0)
    acc["X"][:, t] = da @ P["Wx"].T
    return here + rest, da @ P["Wh"].T


def loss(params, X, y, reg=0.0, return_dX=False):
    N = X.shape[0]
    acc = {k: np.zeros_like(v) for k, v in params.items()}
    acc["X"] = np.zeros_like(X)
    total, _ = _run(0, np.zeros((N, params["Wh"].shape[0])), params, X, y, acc)
    L = total / N
    grads = {}
    for k in params:
        grads[k] = acc[k] / N
        if k.startswith("W"):
            L += reg * 0.5 * (params[k] ** 2).sum()
            grads[k] += reg * params[k]
    if return_dX:
        return L, grads, acc["X"] / N
    return L, grads

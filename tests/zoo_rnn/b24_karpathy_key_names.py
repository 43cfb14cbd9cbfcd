"""RNN in the style of min-char-rnn, returning its gradients under that program's names."""
import numpy as np

# bug: grads has keys Wxh, Whh, bh, Why, by instead of Wx, Wh, b, Wy, by (the values are right):
# a wrong return structure.
EXPECTED = {"signature": "crash", "params": []}


def loss(params, X, y, reg=0.0):
    Wxh, Whh, bh, Why, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, _ = X.shape
    xs, hs, ps = {}, {}, {}
    hs[-1] = np.zeros((N, Whh.shape[0]))
    L = 0.0
    for t in range(T):
        xs[t] = X[:, t, :]
        hs[t] = np.tanh(xs[t] @ Wxh + hs[t - 1] @ Whh + bh)
        ys = hs[t] @ Why + by
        ys = ys - ys.max(axis=1, keepdims=True)
        logp = ys - np.log(np.exp(ys).sum(axis=1, keepdims=True))
        ps[t] = np.exp(logp)
        L += -logp[np.arange(N), y[:, t]].sum()
    L = L / N + 0.5 * reg * (np.sum(Wxh * Wxh) + np.sum(Whh * Whh) + np.sum(Why * Why))
    dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    dbh, dby = np.zeros_like(bh), np.zeros_like(by)
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(T)):
        dy = ps[t].copy()
        dy[np.arange(N), y[:, t]] -= 1
        dy /= N
        dWhy += hs[t].T @ dy
        dby += dy.sum(axis=0)
        dh = dy @ Why.T + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        dbh += dhraw.sum(axis=0)
        dWxh += xs[t].T @ dhraw
        dWhh += hs[t - 1].T @ dhraw
        dhnext = dhraw @ Whh.T
    return L, {"Wxh": dWxh + reg * Wxh, "Whh": dWhh + reg * Whh, "bh": dbh,   # BUG: key names
               "Why": dWhy + reg * Why, "by": dby}

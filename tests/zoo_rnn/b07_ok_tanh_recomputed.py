"""RNN that keeps only the pre-activations and recomputes 1 - tanh(a)^2 in the backward pass."""
import numpy as np

# Correct: the derivative is taken from the pre-activation a, but as 1 - tanh(a)**2 (not 1 - a**2),
# which equals 1 - h**2.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = [params[k] for k in ["Wx", "Wh", "b", "Wy", "by"]]
    N, T, D = X.shape
    H = b.shape[0]
    pre = np.zeros((T, N, H))
    h = np.zeros((N, H))
    for t in range(T):
        pre[t] = X[:, t] @ Wx + h @ Wh + b
        h = np.tanh(pre[t])
    states = np.tanh(pre)                           # (T, N, H), recomputed
    L = 0.0
    dstates = np.zeros_like(states)
    dWy = np.zeros_like(Wy)
    dby = np.zeros_like(by)
    rows = np.arange(N)
    for t in range(T):
        s = states[t] @ Wy + by
        s = s - s.max(1, keepdims=True)
        logz = np.log(np.exp(s).sum(1))
        L += np.sum(logz - s[rows, y[:, t]]) / N
        p = np.exp(s - logz[:, None])
        p[rows, y[:, t]] -= 1.0
        p /= N
        dWy += states[t].T @ p
        dby += p.sum(0)
        dstates[t] = p @ Wy.T
    L += 0.5 * reg * sum(float(np.vdot(W, W)) for W in (Wx, Wh, Wy))
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dX = np.zeros_like(X)
    dh = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dh = dh + dstates[t]
        da = dh * (1.0 - np.tanh(pre[t]) ** 2)
        prev = states[t - 1] if t else np.zeros((N, H))
        dWx += X[:, t].T @ da
        dWh += prev.T @ da
        db += da.sum(0)
        dX[:, t] = da @ Wx.T
        dh = da @ Wh.T
    grads = dict(Wx=dWx + reg * Wx, Wh=dWh + reg * Wh, b=db, Wy=dWy + reg * Wy, by=dby)
    if return_dX:
        return L, grads, dX
    return L, grads

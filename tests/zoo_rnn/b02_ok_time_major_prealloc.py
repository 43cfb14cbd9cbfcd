"""RNN with time-major preallocated buffers: X is transposed to (T, N, D), states live in (T + 1, N, H)."""
import numpy as np

# Correct; returns dX of shape (N, T, D) when asked.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0, return_dX=False):
    xs = np.transpose(X, (1, 0, 2))          # (T, N, D)
    ys = y.T                                  # (T, N)
    T, N, D = xs.shape
    H = params["Wh"].shape[0]
    C = params["Wy"].shape[1]
    states = np.zeros((T + 1, N, H))
    for t in range(T):
        states[t + 1] = np.tanh(xs[t] @ params["Wx"] + states[t] @ params["Wh"] + params["b"])
    logits = states[1:] @ params["Wy"] + params["by"]          # (T, N, C)
    logits = logits - logits.max(axis=2, keepdims=True)
    logprob = logits - np.log(np.sum(np.exp(logits), axis=2, keepdims=True))
    picked = np.take_along_axis(logprob, ys[:, :, None], axis=2)
    L = -picked.sum() / N
    for name in ("Wx", "Wh", "Wy"):
        L += reg / 2.0 * np.sum(params[name] * params[name])

    g_logits = np.exp(logprob)
    onehot = np.eye(C)[ys]                     # (T, N, C)
    g_logits = (g_logits - onehot) / N
    g_states = g_logits @ params["Wy"].T       # (T, N, H), from the softmaxes only
    g_pre = np.empty((T, N, H))
    flow = np.zeros((N, H))
    for t in reversed(range(T)):
        g_pre[t] = (g_states[t] + flow) * (1 - states[t + 1] * states[t + 1])
        flow = g_pre[t] @ params["Wh"].T
    flatN = T * N
    grads = {
        "Wx": xs.reshape(flatN, D).T @ g_pre.reshape(flatN, H) + reg * params["Wx"],
        "Wh": states[:-1].reshape(flatN, H).T @ g_pre.reshape(flatN, H) + reg * params["Wh"],
        "b": g_pre.sum(axis=(0, 1)),
        "Wy": states[1:].reshape(flatN, H).T @ g_logits.reshape(flatN, C) + reg * params["Wy"],
        "by": g_logits.reshape(flatN, C).sum(axis=0),
    }
    if return_dX:
        return L, grads, np.transpose(g_pre @ params["Wx"].T, (1, 0, 2))
    return L, grads

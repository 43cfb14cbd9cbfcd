"""RNN whose upstream gradient is the softmax probability alone: the one-hot label is never subtracted."""
import numpy as np

# bug: dscores = softmax / N instead of (softmax - onehot) / N; every gradient (Wx, Wh, b, Wy, by and
# dX) is wrong and the per-parameter ratios to the truth differ (no common factor).
EXPECTED = {"signature": "mixed", "params": ["Wx", "Wh", "b", "Wy", "by"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W = params
    N, T, D = X.shape
    H = W["Wh"].shape[0]
    hist = [np.zeros((N, H))]
    for x_t in np.moveaxis(X, 1, 0):
        hist.append(np.tanh(x_t @ W["Wx"] + hist[-1] @ W["Wh"] + W["b"]))
    Hs = np.stack(hist[1:])                         # (T, N, H)
    logits = Hs @ W["Wy"] + W["by"]
    logits -= logits.max(axis=2, keepdims=True)
    norm = np.log(np.exp(logits).sum(axis=2, keepdims=True))
    yt = y.T
    L = 0.0
    for t in range(T):
        L -= (logits[t] - norm[t])[np.arange(N), yt[t]].sum()
    L = L / N + reg / 2 * sum(np.sum(W[k] ** 2) for k in ("Wx", "Wh", "Wy"))
    dlog = np.exp(logits - norm) / N                # BUG: the label's -1 is never applied
    dHs = dlog @ W["Wy"].T
    g = {"Wx": reg * W["Wx"], "Wh": reg * W["Wh"], "b": np.zeros(H),
         "Wy": np.einsum("tnh,tnc->hc", Hs, dlog) + reg * W["Wy"], "by": dlog.sum(axis=(0, 1))}
    dX = np.zeros_like(X)
    carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dHs[t] + carry) * (1 - Hs[t] ** 2)
        g["Wx"] = g["Wx"] + X[:, t].T @ da
        g["Wh"] = g["Wh"] + hist[t].T @ da
        g["b"] = g["b"] + da.sum(0)
        dX[:, t] = da @ W["Wx"].T
        carry = da @ W["Wh"].T
    if return_dX:
        return L, g, dX
    return L, g

"""RNN that sends the score gradient back to the hidden states through Wy instead of Wy^T."""
import numpy as np

# bug: dh = dscores @ Wy with dscores (N, T, C) and Wy (H, C): matmul raises a shape error whenever
# C != H (at every toy size); with C == H it would silently use the wrong matrix.
EXPECTED = {"signature": "shape_error", "params": []}


def loss(params, X, y, reg=0.0):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    h = np.zeros((N, T, H))
    h_prev = np.zeros((N, H))
    for t in range(T):
        h_prev = h[:, t] = np.tanh(X[:, t] @ Wx + h_prev @ Wh + b)
    sc = h @ Wy + by
    sc = sc - sc.max(axis=-1, keepdims=True)
    lp = sc - np.log(np.exp(sc).sum(axis=-1, keepdims=True))
    ii, jj = np.indices((N, T))
    L = -lp[ii, jj, y].sum() / N + reg / 2 * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    dsc = np.exp(lp)
    dsc[ii, jj, y] -= 1
    dsc /= N
    dh = dsc @ Wy                                   # BUG: should be Wy.T
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    nxt = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dh[:, t] + nxt) * (1 - h[:, t] ** 2)
        dWx += X[:, t].T @ da
        if t:
            dWh += h[:, t - 1].T @ da
        db += da.sum(0)
        nxt = da @ Wh.T
    return L, {"Wx": dWx + reg * Wx, "Wh": dWh + reg * Wh, "b": db,
               "Wy": np.einsum("nth,ntc->hc", h, dsc) + reg * Wy, "by": dsc.sum((0, 1))}

"""RNN that sums the hidden states and the score gradients over time before forming dWy."""
import numpy as np

# bug: dWy = (sum_t h_t)^T (sum_t dscores_t) instead of sum_t h_t^T dscores_t: cross-time products
# are added; only dWy is wrong (dby, the recurrence and dX are right).
EXPECTED = {"signature": "localized", "params": ["Wy"]}


def loss(params, X, y, reg=0.0):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = Wh.shape[0]
    C = Wy.shape[1]
    hs = np.zeros((N, T, H))
    h = np.zeros((N, H))
    for t in range(T):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        hs[:, t] = h
    sc = hs @ Wy + by
    sc = sc - sc.max(axis=2, keepdims=True)
    lp = sc - np.log(np.exp(sc).sum(axis=2, keepdims=True))
    Y = np.zeros((N, T, C))
    for n in range(N):
        for t in range(T):
            Y[n, t, y[n, t]] = 1.0
    L = -np.sum(Y * lp) / N + 0.5 * reg * (np.sum(Wx ** 2) + np.sum(Wh ** 2) + np.sum(Wy ** 2))
    dsc = (np.exp(lp) - Y) / N
    dWy = hs.sum(axis=1).T @ dsc.sum(axis=1)        # BUG: sums over t before the product
    dby = dsc.sum(axis=(0, 1))
    dhs = dsc @ Wy.T
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    nxt = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dhs[:, t] + nxt) * (1 - hs[:, t] ** 2)
        dWx += X[:, t].T @ da
        if t > 0:
            dWh += hs[:, t - 1].T @ da
        db += da.sum(0)
        nxt = da @ Wh.T
    return L, {"Wx": dWx + reg * Wx, "Wh": dWh + reg * Wh, "b": db, "Wy": dWy + reg * Wy, "by": dby}

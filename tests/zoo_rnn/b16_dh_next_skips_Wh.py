"""RNN that passes da_t straight back to step t - 1 without multiplying by Wh^T."""
import numpy as np

# bug: dh_next = da (should be da @ Wh.T); Wh is square so nothing crashes. Wx, Wh, b and dX before
# the last step are wrong; Wy, by are right.
EXPECTED = {"signature": "localized", "params": ["Wx", "Wh", "b"], "step": 4}


def _forward(P, X):
    N, T, _ = X.shape
    hs = [np.zeros((N, P["Wh"].shape[0]))]
    for t in range(T):
        hs.append(np.tanh(X[:, t] @ P["Wx"] + hs[-1] @ P["Wh"] + P["b"]))
    return hs


def _softmax_ce(scores, labels):
    m = scores.max(axis=1, keepdims=True)
    lp = scores - m - np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    d = np.exp(lp)
    d[rows, labels] -= 1
    return -lp[rows, labels].sum(), d


def loss(params, X, y, reg=0.0, return_dX=False):
    P = params
    N, T, _ = X.shape
    hs = _forward(P, X)
    total = 0.0
    dscores = []
    for t in range(T):
        ce, d = _softmax_ce(hs[t + 1] @ P["Wy"] + P["by"], y[:, t])
        total += ce
        dscores.append(d / N)
    L = total / N + 0.5 * reg * sum(np.sum(P[k] ** 2) for k in ("Wx", "Wh", "Wy"))
    G = {k: np.zeros_like(v) for k, v in P.items()}
    dX = np.zeros_like(X)
    dh_next = np.zeros_like(hs[0])
    for t in reversed(range(T)):
        G["Wy"] += hs[t + 1].T @ dscores[t]
        G["by"] += dscores[t].sum(0)
        da = (dscores[t] @ P["Wy"].T + dh_next) * (1 - hs[t + 1] ** 2)
        G["Wx"] += X[:, t].T @ da
        G["Wh"] += hs[t].T @ da
        G["b"] += da.sum(0)
        dX[:, t] = da @ P["Wx"].T
        dh_next = da                                # BUG: missing @ P["Wh"].T
    for k in ("Wx", "Wh", "Wy"):
        G[k] += reg * P[k]
    return (L, G, dX) if return_dX else (L, G)

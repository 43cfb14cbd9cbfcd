"""RNN whose recurrent weight gradient pairs da_t with the state h_t it produced instead of h_{t-1}."""
import numpy as np

# bug: dWh += h_t^T da_t instead of h_{t-1}^T da_t; only dWh is wrong (da, dWx, db, dX are right).
EXPECTED = {"signature": "localized", "params": ["Wh"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    P = params
    N, T, D = X.shape
    H = P["Wh"].shape[0]
    states = []
    h = np.zeros((N, H))
    for t in range(T):
        h = np.tanh(X[:, t] @ P["Wx"] + h @ P["Wh"] + P["b"])
        states.append(h)
    S = np.stack(states, 1)
    out = S @ P["Wy"] + P["by"]
    out = out - out.max(2, keepdims=True)
    lse = np.log(np.exp(out).sum(2, keepdims=True))
    lp = out - lse
    onehot = np.eye(P["Wy"].shape[1])[y]
    L = -(lp * onehot).sum() / N + reg / 2 * sum((P[k] ** 2).sum() for k in ("Wx", "Wh", "Wy"))
    g = (np.exp(lp) - onehot) / N
    dS = g @ P["Wy"].T
    grads = {k: np.zeros_like(v) for k, v in P.items()}
    grads["Wy"] = np.einsum("nth,ntc->hc", S, g)
    grads["by"] = g.sum((0, 1))
    dX = np.zeros_like(X)
    carry = np.zeros((N, H))
    for t in reversed(range(T)):
        da = (dS[:, t] + carry) * (1 - states[t] ** 2)
        grads["Wx"] += X[:, t].T @ da
        grads["Wh"] += states[t].T @ da             # BUG: should be the previous state
        grads["b"] += da.sum(0)
        dX[:, t] = da @ P["Wx"].T
        carry = da @ P["Wh"].T
    for k in ("Wx", "Wh", "Wy"):
        grads[k] += reg * P[k]
    if return_dX:
        return L, grads, dX
    return L, grads

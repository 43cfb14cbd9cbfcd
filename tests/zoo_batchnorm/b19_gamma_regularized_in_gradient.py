"""Weight decay applied to every 2-D and 1-D scale in the update direction: dgamma gets + reg * gamma,
while the loss penalizes only W1 and W2."""
# bug: at reg = 0 everything is right; at reg = 0.1 dgamma is off by exactly reg * gamma against the own loss
# (which is the reference's); W1, b1, beta, W2, b2 are right at both.
import numpy as np

EXPECTED = {"signature": "reg_only", "params": ["gamma"]}


def _bn(z, gamma, beta):
    mu = z.mean(axis=0)
    sig = np.sqrt(z.var(axis=0) + 1e-5)
    xh = (z - mu) / sig
    return gamma * xh + beta, xh, sig


def loss(params, X, y, reg=0.0):
    P = params
    N = X.shape[0]
    z = X @ P["W1"] + P["b1"]
    bn, xh, sig = _bn(z, P["gamma"], P["beta"])
    h = np.maximum(bn, 0.0)
    s = h @ P["W2"] + P["b2"]
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    data = -logp[np.arange(N), y].mean()
    pen = 0.5 * reg * sum(np.sum(P[k] ** 2) for k in ("W1", "W2"))
    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dbn = ds @ P["W2"].T * (bn > 0)
    dxh = P["gamma"] * dbn
    dz = (dxh - dxh.mean(axis=0) - xh * (dxh * xh).mean(axis=0)) / sig
    grads = {"W1": X.T @ dz, "b1": dz.sum(axis=0), "gamma": (dbn * xh).sum(axis=0),
             "beta": dbn.sum(axis=0), "W2": h.T @ ds, "b2": ds.sum(axis=0)}
    for k in ("W1", "gamma", "W2"):
        grads[k] = grads[k] + reg * P[k]
    return data + pen, grads

"""Compact batch-norm backward dz = gamma / std * (N dbn - sum(dbn) - xhat sum(dbn xhat)) without the
leading 1/N."""
# bug: dz is N times too large, so dW1 is exactly N times the truth (8 at N=8, 13 at N=13) while db1 stays
# zero and gamma, beta, W2, b2 are right: one layer wrong by a factor that tracks N.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1"], "factor_tracks": "N"}


def loss(params, X, y, reg=0.0):
    W1, W2 = params["W1"], params["W2"]
    N = X.shape[0]
    z = X.dot(W1) + params["b1"]
    mu = z.mean(axis=0)
    istd = (z.var(axis=0) + 1e-5) ** -0.5
    xhat = (z - mu) * istd
    bn = xhat * params["gamma"] + params["beta"]
    h = bn.clip(min=0)
    s = h.dot(W2) + params["b2"]
    s = s - s.max(axis=1)[:, np.newaxis]
    ls = s - np.log(np.exp(s).sum(axis=1))[:, np.newaxis]
    L = -ls[np.arange(N), y].mean() + 0.5 * reg * ((W1 ** 2).sum() + (W2 ** 2).sum())
    ds = np.exp(ls)
    ds[np.arange(N), y] -= 1
    ds /= N
    dbn = ds.dot(W2.T) * (bn > 0)
    dg = (dbn * xhat).sum(axis=0)
    dbt = dbn.sum(axis=0)
    dz = params["gamma"] * istd * (N * dbn - dbt - xhat * dg)
    return L, {"W1": X.T.dot(dz) + reg * W1, "b1": dz.sum(axis=0), "gamma": dg, "beta": dbt,
               "W2": h.T.dot(ds) + reg * W2, "b2": ds.sum(axis=0)}

"""Backward through gamma * xhat + beta forgets the factor gamma: dxhat = dbn."""
# bug: dxhat lacks the factor gamma, so dW1's column j is off by 1/gamma_j (no common factor); db1 stays
# zero; gamma, beta, W2, b2 are right.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1"]}


def loss(params, X, y, reg=0.0):
    N = X.shape[0]
    W1 = params["W1"]; W2 = params["W2"]
    z = np.matmul(X, W1) + params["b1"]
    avg = np.average(z, axis=0)
    var = np.average((z - avg) ** 2, axis=0)
    s = np.sqrt(var + 1e-5)
    xhat = (z - avg) / s
    bn = params["gamma"] * xhat + params["beta"]
    h = np.maximum(bn, 0)
    f = np.matmul(h, W2) + params["b2"]
    f = f - f.max(axis=1, keepdims=True)
    lse = np.log(np.exp(f).sum(axis=1))
    L = np.mean(lse - f[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    df = np.exp(f - lse[:, None])
    df[np.arange(N), y] -= 1
    df /= N
    dh = np.matmul(df, W2.T)
    dbn = np.where(bn > 0, dh, 0.0)
    dxhat = dbn
    dvar = np.sum(dxhat * (z - avg), axis=0) * -0.5 * s ** -3
    dmu = -np.sum(dxhat, axis=0) / s + dvar * np.mean(-2.0 * (z - avg), axis=0)
    dz = dxhat / s + dvar * 2.0 * (z - avg) / N + dmu / N
    return L, {"W1": np.matmul(X.T, dz) + reg * W1, "b1": dz.sum(axis=0),
               "gamma": np.sum(dbn * xhat, axis=0), "beta": dbn.sum(axis=0),
               "W2": np.matmul(h.T, df) + reg * W2, "b2": df.sum(axis=0)}

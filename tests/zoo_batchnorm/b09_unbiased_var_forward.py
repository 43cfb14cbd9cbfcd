"""Forward variance with np.var(..., ddof=1) (the 1/(N-1) "sample" variance), backward the usual compact
formula derived for the biased 1/N variance."""
# bug: the loss uses 1/(N-1) (not the reference's loss); against its own loss dW1 is wrong (the compact
# formula's xhat*mean(dxhat*xhat) should be divided by N-1, not N), db1 stays zero, gamma, beta, W2, b2
# agree with the own loss.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1"]}


def loss(params, X, y, reg=0.0):
    p = params
    N = X.shape[0]
    z = np.dot(X, p["W1"]) + p["b1"]
    var = np.var(z, axis=0, ddof=1)
    inv = 1.0 / np.sqrt(var + 1e-5)
    xhat = (z - np.mean(z, axis=0)) * inv
    bn = p["gamma"] * xhat + p["beta"]
    relu = bn * (bn > 0)
    scores = np.dot(relu, p["W2"]) + p["b2"]
    mx = np.max(scores, axis=1, keepdims=True)
    logp = scores - mx - np.log(np.sum(np.exp(scores - mx), axis=1, keepdims=True))
    L = -np.mean(logp[np.arange(N), y]) + 0.5 * reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))

    d = np.exp(logp)
    d[np.arange(N), y] -= 1.0
    d /= N
    g = {"W2": np.dot(relu.T, d) + reg * p["W2"], "b2": np.sum(d, axis=0)}
    dbn = np.dot(d, p["W2"].T) * (bn > 0)
    g["gamma"] = np.sum(dbn * xhat, axis=0)
    g["beta"] = np.sum(dbn, axis=0)
    dz = (p["gamma"] * inv / N) * (N * dbn - g["beta"] - xhat * g["gamma"])
    g["W1"] = np.dot(X.T, dz) + reg * p["W1"]
    g["b1"] = np.sum(dz, axis=0)
    return L, g

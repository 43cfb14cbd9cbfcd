"""A small Network class whose __call__ is the loss; the variance is E[k^2] - E[k]^2 of k = z - z[0], labels become a
one-hot matrix, and the bias gradients are ones-row matrix products; returns dX through **kwargs."""
# bug: none; E[k^2] - E[k]^2 of k = z - z[0] (the shifted-data formula) is the biased variance of z without
# the cancellation of E[z^2] - E[z]^2 when |b1| is large; the backward is the compact formula; gradients and
# dX match central differences.
import numpy as np

EXPECTED = {"signature": "ok"}


class _Network:
    eps = 1e-5

    def __call__(self, params, X, y, reg=0.0, **kwargs):
        P = dict(params)
        N = X.shape[0]
        C = P["W2"].shape[1]
        T = np.zeros((N, C))
        T[np.arange(N), y] = 1.0
        one = np.ones((1, N))
        z = X @ P["W1"] + P["b1"]
        k = z - z[0]
        Ek = (one @ k / N).ravel()
        Ek2 = (one @ (k * k) / N).ravel()
        Ez = Ek + z[0]
        rstd = (Ek2 - Ek ** 2 + self.eps) ** -0.5
        xn = (z - Ez) * rstd
        bn = xn * P["gamma"] + P["beta"]
        h = np.clip(bn, 0.0, None)
        s = h @ P["W2"] + P["b2"]
        s = s - s.max(axis=1, keepdims=True)
        logq = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        L = -(T * logq).sum() / N + (reg / 2.0) * ((P["W1"] ** 2).sum() + (P["W2"] ** 2).sum())

        ds = (np.exp(logq) - T) / N
        dbn = (ds @ P["W2"].T) * (bn > 0.0)
        dgam = (one @ (dbn * xn)).ravel()
        dbet = (one @ dbn).ravel()
        dz = P["gamma"] * rstd * (dbn - dbet / N - xn * dgam / N)
        grads = {
            "W1": X.T @ dz + reg * P["W1"],
            "b1": (one @ dz).ravel(),
            "gamma": dgam,
            "beta": dbet,
            "W2": h.T @ ds + reg * P["W2"],
            "b2": (one @ ds).ravel(),
        }
        if kwargs.get("return_dX"):
            return L, grads, dz @ P["W1"].T
        return L, grads


loss = _Network()

"""Backward pass treats the ReLU as the identity (no mask at all)."""
import numpy as np

# Bug: the ReLU mask is forgotten, so the W1 and b1 gradients are wrong.
EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


class Net:
    def __init__(self, params):
        self.p = params

    def forward(self, X):
        self.X = X
        self.h = np.maximum(X @ self.p["W1"] + self.p["b1"], 0.0)
        return self.h @ self.p["W2"] + self.p["b2"]

    def backward(self, dscores):
        g = {"W2": self.h.T @ dscores, "b2": dscores.sum(axis=0)}
        dh = dscores @ self.p["W2"].T
        g["W1"] = self.X.T @ dh
        g["b1"] = dh.sum(axis=0)
        return g


def loss(params, X, y, reg=0.0):
    net = Net(params)
    s = net.forward(X)
    n = s.shape[0]
    s = s - s.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -lp[np.arange(n), y].mean() + 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    d = np.exp(lp)
    d[np.arange(n), y] -= 1
    g = net.backward(d / n)
    g["W1"] = g["W1"] + reg * params["W1"]
    g["W2"] = g["W2"] + reg * params["W2"]
    return L, g

"""Class-based two-layer softmax loss: module-level `loss` is a callable instance returning a dict subclass."""
# Correct: the callable object computes the reference loss; grads is a dict subclass with the
# four keys, which is still a mapping with the right keys and shapes.
import numpy as np


EXPECTED = {"signature": "ok", "params": []}


class GradDict(dict):
    """A dict that also allows attribute access."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


class TwoLayerSoftmax:
    keys = ("W1", "b1", "W2", "b2")

    def forward(self, params, X):
        self.z = X @ params["W1"] + params["b1"]
        self.h = np.maximum(self.z, 0.0)
        return self.h @ params["W2"] + params["b2"]

    def __call__(self, params, X, y, reg=0.0):
        scores = self.forward(params, X)
        N = X.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        lse = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        logp = shifted - lse
        rows = np.arange(N)
        data = -logp[rows, y].mean()
        W1, W2 = params["W1"], params["W2"]
        penalty = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        ds = np.exp(logp)
        ds[rows, y] -= 1.0
        ds /= N
        dh = ds @ W2.T
        dz = dh * (self.z > 0)
        grads = GradDict()
        grads["W1"] = X.T @ dz + reg * W1
        grads["b1"] = dz.sum(axis=0)
        grads["W2"] = self.h.T @ ds + reg * W2
        grads["b2"] = ds.sum(axis=0)
        return data + penalty, grads


loss = TwoLayerSoftmax()

"""First-layer weight gradient computed as dz1.T @ X, giving an (H, D) array."""
import numpy as np

# Bug: dW1 = dz1.T @ X has shape (H, D) instead of (D, H) (wrong values too, if D == H).
EXPECTED = {"signature": "shape_error", "params": ["W1"]}


class TwoLayer:
    def __init__(self, params, reg):
        self.W1, self.b1 = params["W1"], params["b1"]
        self.W2, self.b2 = params["W2"], params["b2"]
        self.reg = reg

    def loss_and_grads(self, X, y):
        N = X.shape[0]
        z1 = X @ self.W1 + self.b1
        h1 = np.maximum(z1, 0)
        s = h1 @ self.W2 + self.b2
        s = s - s.max(axis=1, keepdims=True)
        lse = np.log(np.exp(s).sum(axis=1))
        L = np.mean(lse - s[np.arange(N), y])
        L += 0.5 * self.reg * (np.sum(self.W1 ** 2) + np.sum(self.W2 ** 2))
        ds = np.exp(s - lse[:, None])
        ds[np.arange(N), y] -= 1
        ds /= N
        dz1 = (ds @ self.W2.T) * (z1 > 0)
        grads = {
            "W1": dz1.T @ X + self.reg * self.W1.T,
            "b1": dz1.sum(axis=0),
            "W2": h1.T @ ds + self.reg * self.W2,
            "b2": ds.sum(axis=0),
        }
        return L, grads


def loss(params, X, y, reg=0.0):
    return TwoLayer(params, reg).loss_and_grads(X, y)

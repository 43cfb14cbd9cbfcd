"""Two-layer net that shuffles the batch with a private seeded permutation before the pass."""
# correct: X and y are permuted together (copies), and the global NumPy RNG is never touched.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    perm = np.random.default_rng(1234).permutation(X.shape[0])
    Xp, yp = X[perm], y[perm]
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = Xp.shape[0]
    C = W2.shape[1]
    z1 = Xp @ W1 + b1
    h1 = np.maximum(0.0, z1)
    s = h1 @ W2 + b2
    s = s - s.max(axis=1)[:, None]
    lse = np.log(np.exp(s).sum(axis=1))
    onehot = np.eye(C)[yp]
    L = np.mean(lse - np.sum(s * onehot, axis=1))
    L += 0.5 * reg * (np.vdot(W1, W1) + np.vdot(W2, W2))
    d = (np.exp(s - lse[:, None]) - onehot) / N
    dz1 = np.dot(d, W2.T) * (z1 > 0)
    return L, {"W1": np.dot(Xp.T, dz1) + reg * W1, "b1": dz1.sum(axis=0),
               "W2": np.dot(h1.T, d) + reg * W2, "b2": d.sum(axis=0)}

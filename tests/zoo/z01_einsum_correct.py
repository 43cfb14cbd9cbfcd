"""Two-layer softmax net written entirely with np.einsum contractions."""
import numpy as np

# Correct.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    z = np.einsum("nd,dh->nh", X, W1) + b1
    a = np.maximum(z, 0.0)
    s = np.einsum("nh,hc->nc", a, W2) + b2
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    lse = np.log(np.einsum("nc->n", e))
    rows = np.arange(n)
    data = np.mean(lse - s[rows, y])
    L = data + 0.5 * reg * (np.einsum("ij,ij->", W1, W1) + np.einsum("ij,ij->", W2, W2))

    g = e / np.einsum("nc->n", e)[:, None]
    g[rows, y] -= 1.0
    g /= n
    gW2 = np.einsum("nh,nc->hc", a, g) + reg * W2
    gb2 = np.einsum("nc->c", g)
    ga = np.einsum("nc,hc->nh", g, W2)
    gz = ga * (z > 0)
    gW1 = np.einsum("nd,nh->dh", X, gz) + reg * W1
    gb1 = np.einsum("nh->h", gz)
    return L, {"W1": gW1, "b1": gb1, "W2": gW2, "b2": gb2}

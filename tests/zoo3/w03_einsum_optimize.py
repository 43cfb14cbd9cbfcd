"""Two-layer net written entirely with float64 np.einsum(..., optimize=True)."""
# correct: einsum contractions (optimize=True) in place of @, reductions via einsum too.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    C = W2.shape[1]
    z1 = np.einsum("nd,dh->nh", X, W1, optimize=True) + b1
    h1 = np.where(z1 > 0, z1, 0.0)
    s = np.einsum("nh,hc->nc", h1, W2, optimize=True) + b2
    s = s - np.max(s, axis=1, keepdims=True)
    e = np.exp(s)
    Z = np.einsum("nc->n", e, optimize=True)
    onehot = (y[:, None] == np.arange(C)[None, :]).astype(np.float64)
    correct = np.einsum("nc,nc->n", s, onehot, optimize=True)
    data = np.mean(np.log(Z) - correct)
    reg_loss = 0.5 * reg * (np.einsum("ij,ij->", W1, W1, optimize=True)
                            + np.einsum("ij,ij->", W2, W2, optimize=True))
    dscores = (e / Z[:, None] - onehot) / N
    dW2 = np.einsum("nh,nc->hc", h1, dscores, optimize=True) + reg * W2
    db2 = np.einsum("nc->c", dscores, optimize=True)
    dz1 = np.einsum("nc,hc->nh", dscores, W2, optimize=True) * (z1 > 0)
    dW1 = np.einsum("nd,nh->dh", X, dz1, optimize=True) + reg * W1
    db1 = np.einsum("nh->h", dz1, optimize=True)
    return data + reg_loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

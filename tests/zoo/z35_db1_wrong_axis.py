"""First-layer bias gradient summed over the hidden axis (axis=1) instead of the batch axis."""
import numpy as np

# Bug: db1 = dz1.sum(axis=1) has shape (N,) instead of (H,) (right shape, wrong values, only when N == H).
EXPECTED = {"signature": "shape_error", "params": ["b1"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    Y = np.eye(W2.shape[1])[y]
    z1 = np.einsum("nd,dh->nh", X, W1) + b1
    h1 = np.maximum(z1, 0.0)
    s = np.einsum("nh,hc->nc", h1, W2) + b2
    s = s - s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -np.sum(Y * (s - lse)) / N + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    ds = (np.exp(s - lse) - Y) / N
    dW2 = np.einsum("nh,nc->hc", h1, ds) + reg * W2
    db2 = ds.sum(axis=0)
    dz1 = np.einsum("nc,hc->nh", ds, W2) * (z1 > 0)
    dW1 = np.einsum("nd,nh->dh", X, dz1) + reg * W1
    db1 = dz1.sum(axis=1)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

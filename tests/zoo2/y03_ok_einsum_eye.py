"""Two-layer softmax loss written entirely with einsum index strings and an np.eye(C)[y] one-hot."""
# Correct: every contraction is spelled out with explicit indices; the one-hot is np.eye(C)[y].
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    z = np.einsum("nd,dh->nh", X, W1) + b1
    active = z > 0
    h = np.where(active, z, 0.0)
    scores = np.einsum("nh,hc->nc", h, W2) + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    Y = np.eye(C)[y]  # (N, C) one-hot
    data_loss = -np.einsum("nc,nc->", Y, logp) / N
    reg_loss = 0.5 * reg * (np.einsum("dh,dh->", W1, W1) + np.einsum("hc,hc->", W2, W2))

    G = (np.exp(logp) - Y) / N
    dW2 = np.einsum("nh,nc->hc", h, G) + reg * W2
    db2 = np.einsum("nc->c", G)
    dz = np.einsum("nc,hc->nh", G, W2) * active
    dW1 = np.einsum("nd,nh->dh", X, dz) + reg * W1
    db1 = np.einsum("nh->h", dz)
    return data_loss + reg_loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

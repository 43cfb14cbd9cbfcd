"""Two-layer softmax loss with a heaviside mask and the 1/N applied at the end of each gradient."""
# Correct: np.heaviside(z, 0) is ReLU'(z) with ReLU'(0) = 0; (G @ W2.T) * mask then X.T @ ... / N
# is the same product as the reference, only with the 1/N moved to the end.
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    mask = np.heaviside(z, 0.0)
    h = z * mask
    scores = h @ W2 + b2
    m = np.max(scores, axis=1, keepdims=True)
    e = np.exp(scores - m)
    se = np.sum(e, axis=1, keepdims=True)
    correct = np.take_along_axis(scores - m, y[:, None], axis=1)
    data_loss = float(np.mean(np.log(se) - correct))

    G = e / se  # unscaled p - onehot below
    G[np.arange(N), y] -= 1.0
    dH = (G @ W2.T) * mask
    dW1 = X.T @ dH / N + reg * W1
    db1 = dH.sum(axis=0) / N
    dW2 = h.T @ G / N + reg * W2
    db2 = G.sum(axis=0) / N
    total = data_loss + 0.5 * reg * float(np.sum(W1 ** 2) + np.sum(W2 ** 2))
    return total, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

"""Penalty is added to the loss value, but neither weight gradient includes its derivative."""
import numpy as np

# Bug: no reg * W term in dW1 or dW2, so with reg > 0 both weight gradients are wrong.
EXPECTED = {"signature": "reg_only", "params": ["W1", "W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    onehot = np.zeros((n, W2.shape[1]))
    onehot[np.arange(n), y] = 1.0
    hpre = np.einsum("nd,dh->nh", X, W1) + b1
    h = np.maximum(hpre, 0.0)
    logits = h @ W2 + b2
    logits = logits - logits.max(axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    L = np.sum(onehot * (lse - logits)) / n + reg / 2 * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    dlogits = (np.exp(logits - lse) - onehot) / n
    dh = dlogits @ W2.T
    dhpre = dh * (hpre > 0)
    return L, {"W1": X.T @ dhpre, "b1": dhpre.sum(axis=0),
               "W2": h.T @ dlogits, "b2": dlogits.sum(axis=0)}

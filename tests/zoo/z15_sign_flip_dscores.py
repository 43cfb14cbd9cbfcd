"""dscores written as onehot - probs (the gradient of the log-likelihood, not of the loss)."""
import numpy as np

# Bug: dscores has the wrong sign (onehot - p), so every gradient is multiplied by -1 (reg=0).
EXPECTED = {"signature": "uniform_scale"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    T = np.zeros((N, C))
    T[np.arange(N), y] = 1
    H_in = X @ W1 + b1
    H = np.maximum(H_in, 0)
    S = H @ W2 + b2
    S = S - S.max(axis=1)[:, None]
    logP = S - np.log(np.exp(S).sum(axis=1))[:, None]
    L = -(T * logP).sum() / N + 0.5 * reg * ((W1 ** 2).sum() + (W2 ** 2).sum())

    dS = (T - np.exp(logP)) / N
    dW2 = H.T @ dS + reg * W2
    db2 = dS.sum(axis=0)
    dH_in = (dS @ W2.T) * (H_in > 0)
    dW1 = X.T @ dH_in + reg * W1
    db1 = dH_in.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

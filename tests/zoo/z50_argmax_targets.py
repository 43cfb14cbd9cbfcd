"""dscores subtracts the one-hot of the predicted class (argmax of the scores) instead of the label."""
import numpy as np

# Bug: the gradient uses the model's own argmax as the target, so all four gradients are wrong with no common factor.
EXPECTED = {"signature": "mixed"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    s = h1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    L = -np.mean(logp[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    pred = np.argmax(s, axis=1)
    onehot = np.eye(C)[pred]
    ds = (np.exp(logp) - onehot) / N
    dz1 = (ds @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ ds + reg * W2, "b2": ds.sum(axis=0)}

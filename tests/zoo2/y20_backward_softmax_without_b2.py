"""Two-layer softmax loss whose backward recomputes the softmax from h @ W2, forgetting b2."""
# Bug: the probabilities in dscores come from logits without the output bias, so every
# gradient (W1, b1, W2, b2) is wrong with no common factor.
import numpy as np

EXPECTED = {"signature": "mixed", "params": []}


def _softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    data_loss = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(N), y])

    probs = _softmax(h @ W2)  # recomputed for the backward pass: b2 missing
    probs[np.arange(N), y] -= 1.0
    ds = probs / N
    dz = (ds @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }

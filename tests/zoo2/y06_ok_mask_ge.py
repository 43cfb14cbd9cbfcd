"""Two-layer softmax loss whose ReLU mask is z >= 0 and whose loss uses take_along_axis."""
# Correct: z >= 0 differs from z > 0 only at z == 0 exactly, which no probe hits (ReLU'(0)
# convention only matters on the kink); everything else matches the reference.
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    logits = h @ W2 + b2
    logits = logits - np.amax(logits, axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    picked = np.take_along_axis(log_probs, y.reshape(-1, 1), axis=1)
    total = -picked.sum() / N + reg * 0.5 * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dlogits = np.exp(log_probs)
    dlogits[np.arange(N), y] -= 1
    dlogits /= N
    dW2 = h.T @ dlogits + reg * W2
    db2 = dlogits.sum(axis=0)
    dz = (dlogits @ W2.T) * (z >= 0)
    dW1 = X.T @ dz + reg * W1
    db1 = dz.sum(axis=0)
    return total, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

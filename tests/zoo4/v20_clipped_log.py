"""Two-layer net that guards the log with a small epsilon: -log(p + 1e-12)."""
# bug: at ordinary logits the epsilon changes nothing measurable; at within-row spreads of thousands
# the true class's probability underflows and the loss is stuck at -log(1e-12) = 27.6 for that row,
# flat, while the gradient is still the unclipped softmax's (probs - onehot).
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}

EPSILON = 1e-12


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    scores = h1 @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    L = -np.mean(np.log(probs[np.arange(N), y] + EPSILON))  # BUG: clipped log
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dz1 = (dscores @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ dscores + reg * W2, "b2": dscores.sum(axis=0)}

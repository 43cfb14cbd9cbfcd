"""Two-layer net that clips the logits to [-50, 50] "for safety", with the clip differentiated consistently."""
# bug (wrong loss, consistent backward): harmless for ordinary logits, but at |logits| ~ 1e4 the clip
# changes the loss; the backward zeroes dscores where the clip is active, so FD still agrees.
import numpy as np

EXPECTED = {"signature": "loss_mismatch"}

CLIP = 50.0


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    raw = h1 @ W2 + b2
    scores = np.clip(raw, -CLIP, CLIP)  # BUG: changes the loss for large logits
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    L = -np.mean(log_probs[rows, y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    d = np.exp(log_probs)
    d[rows, y] -= 1.0
    d /= N
    d *= np.abs(raw) < CLIP  # derivative of the clip
    dz1 = (d @ W2.T) * (z1 > 0)
    return L, {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0),
               "W2": h1.T @ d + reg * W2, "b2": d.sum(axis=0)}

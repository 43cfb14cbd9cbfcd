"""Two-layer softmax loss that clips the logits to [-500, 500] "for stability", with a matching backward."""
# Bug: clipping changes the loss once |logit| > 500 (only the large-logit probe); the backward
# differentiates the clip (zero outside the band), so the gradients match the returned loss.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}

LIMIT = 500.0


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    raw = h @ W2 + b2
    inside = (raw > -LIMIT) & (raw < LIMIT)
    scores = np.clip(raw, -LIMIT, LIMIT)
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), y].mean()
    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    ds *= inside  # derivative of the clip
    dz = (ds @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }

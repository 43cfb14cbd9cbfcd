"""Two-layer softmax loss computed in float64 whose gradients are handed back as float32."""
# Correct to float32 precision: every value is computed in float64, then the gradients are
# rounded to float32 (about 7 significant digits) on the way out, to save memory.
import numpy as np

EXPECTED = {"signature": "ok", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    n = len(y)
    pre = X.dot(W1) + b1
    act = np.where(pre > 0, pre, 0.0)
    logits = act.dot(W2) + b2
    shifted = logits - logits.max(axis=1)[:, None]
    log_norm = np.log(np.sum(np.exp(shifted), axis=1))
    log_p = shifted - log_norm[:, None]
    value = -log_p[np.arange(n), y].mean() + 0.5 * reg * ((W1 ** 2).sum() + (W2 ** 2).sum())
    d_logits = np.exp(log_p)
    d_logits[np.arange(n), y] -= 1
    d_logits = d_logits / n
    d_act = d_logits.dot(W2.T)
    d_pre = d_act * (pre > 0)
    grads = {"W1": X.T.dot(d_pre) + reg * W1, "b1": d_pre.sum(axis=0),
             "W2": act.T.dot(d_logits) + reg * W2, "b2": d_logits.sum(axis=0)}
    return value, {k: v.astype(np.float32) for k, v in grads.items()}

"""Two-layer net written with named-index einsums that also returns dL/dX when asked."""
# correct: every product is an einsum; the input gradient is g_pre contracted with W1 over the hidden index.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    n = X.shape[0]
    pick = np.arange(n)
    pre = np.einsum("nd,dh->nh", X, W1) + b1
    act = np.where(pre > 0, pre, 0.0)
    logits = np.einsum("nh,hc->nc", act, W2) + b2
    top = logits.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    value = np.mean(lse - logits[pick, y])
    value += 0.5 * reg * (np.einsum("ij,ij->", W1, W1) + np.einsum("ij,ij->", W2, W2))
    g_logits = np.exp(logits - lse[:, None])
    g_logits[pick, y] -= 1.0
    g_logits /= n
    g_act = np.einsum("nc,hc->nh", g_logits, W2)
    g_pre = np.where(pre > 0, g_act, 0.0)
    grads = {
        "W1": np.einsum("nd,nh->dh", X, g_pre) + reg * W1,
        "b1": g_pre.sum(axis=0),
        "W2": np.einsum("nh,nc->hc", act, g_logits) + reg * W2,
        "b2": g_logits.sum(axis=0),
    }
    if return_dX:
        return value, grads, np.einsum("nh,dh->nd", g_pre, W1)
    return value, grads

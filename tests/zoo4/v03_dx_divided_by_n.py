"""Two-layer net that averages the input gradient over the batch a second time."""
# bug: dscores already carries the 1/N; dX = (dz1 @ W1.T) / N divides again, so dX is 1/N of the truth.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["X"], "factor_tracks": "1/N"}


def loss(params, X, y, reg=0.0, return_dX=False):
    p = params
    N = len(X)
    hidden_in = X @ p["W1"] + p["b1"]
    hidden = hidden_in.clip(min=0.0)
    out = hidden @ p["W2"] + p["b2"]
    out = out - out.max(axis=1)[:, None]
    e = np.exp(out)
    soft = e / e.sum(axis=1)[:, None]
    L = (np.log(e.sum(axis=1)) - out[range(N), y]).mean()
    L = L + reg / 2 * sum(np.sum(p[k] * p[k]) for k in ("W1", "W2"))
    g_out = soft.copy()
    g_out[range(N), y] -= 1
    g_out = g_out / N
    g_hidden_in = (g_out @ p["W2"].T) * (hidden_in > 0)
    grads = {
        "W1": X.T @ g_hidden_in + reg * p["W1"],
        "b1": g_hidden_in.sum(axis=0),
        "W2": hidden.T @ g_out + reg * p["W2"],
        "b2": g_out.sum(axis=0),
    }
    if return_dX:
        return L, grads, (g_hidden_in @ p["W1"].T) / N  # BUG: the 1/N is already in g_out
    return L, grads

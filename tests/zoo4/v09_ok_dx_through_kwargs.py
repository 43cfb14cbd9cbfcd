"""Two-layer net that takes its options as **kwargs and returns dX when return_dX is among them."""
# correct: options.get("return_dX") selects the three-value return; the input gradient is dz1 W1^T.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0, **options):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0.0)
    f = h1 @ W2 + b2
    f = f - f.max(axis=1, keepdims=True)
    logsum = np.log(np.exp(f).sum(axis=1))
    L = (logsum - f[np.arange(N), y]).mean() + 0.5 * reg * ((W1 * W1).sum() + (W2 * W2).sum())
    df = np.exp(f - logsum[:, None])
    df[np.arange(N), y] -= 1
    df /= N
    dz1 = (df @ W2.T) * (z1 > 0)
    grads = {"W1": X.T @ dz1 + reg * W1, "b1": dz1.sum(axis=0), "W2": h1.T @ df + reg * W2, "b2": df.sum(axis=0)}
    if options.get("return_dX", False):
        return L, grads, dz1 @ W1.T
    return L, grads

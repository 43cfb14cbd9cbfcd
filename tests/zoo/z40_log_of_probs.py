"""Row-max-shifted softmax, but the loss takes np.log of the label's probability directly."""
import numpy as np

# Bug: -log(p[y]) becomes inf when p[y] underflows to 0 at large logit gaps (no log-sum-exp form).
EXPECTED = {"signature": "nonfinite"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    h_in = X.dot(W1) + b1
    h = np.maximum(h_in, 0)
    f = h.dot(W2) + b2
    f = f - f.max(axis=1, keepdims=True)
    p = np.exp(f)
    p /= p.sum(axis=1, keepdims=True)
    L = -np.log(p[np.arange(N), y]).mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    df = p.copy()
    df[np.arange(N), y] -= 1
    df /= N
    dW2 = h.T.dot(df) + reg * W2
    db2 = df.sum(axis=0)
    dh_in = df.dot(W2.T) * (h_in > 0)
    dW1 = X.T.dot(dh_in) + reg * W1
    db1 = dh_in.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

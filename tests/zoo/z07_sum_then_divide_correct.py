"""Loss and gradients accumulated as sums, divided by N once at the end of each."""
import numpy as np

# Correct.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = float(X.shape[0])
    idx = np.arange(X.shape[0])
    z = X @ W1 + b1
    r = np.maximum(z, 0.0)
    o = r @ W2 + b2
    o = o - o.max(1, keepdims=True)
    lse = np.log(np.exp(o).sum(1))
    total_ce = np.sum(lse - o[idx, y])
    L = total_ce / N + 0.5 * reg * (np.sum(np.square(W1)) + np.sum(np.square(W2)))

    # un-normalised gradient of the summed cross-entropy, divided by N at the end
    do = np.exp(o - lse[:, None])
    do[idx, y] -= 1.0
    dW2_sum = r.T @ do
    db2_sum = do.sum(0)
    dz = (do @ W2.T) * (z > 0)
    dW1_sum = X.T @ dz
    db1_sum = dz.sum(0)
    grads = {
        "W1": dW1_sum / N + reg * W1,
        "b1": db1_sum / N,
        "W2": dW2_sum / N + reg * W2,
        "b2": db2_sum / N,
    }
    return L, grads

"""Two-layer net whose loss takes extra keyword arguments with harmless defaults."""
# correct: verbose / clip_report only print when asked; the defaults leave the computation unchanged.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0, verbose=False, clip_report=None):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z1 = X @ W1 + b1
    mask = z1 > 0
    h1 = z1 * mask
    scores = h1 @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    exp_s = np.exp(scores)
    probs = exp_s / exp_s.sum(axis=1, keepdims=True)
    rows = np.arange(N)
    data = np.mean(np.log(exp_s.sum(axis=1)) - scores[rows, y])
    reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    if verbose:
        print("data loss %.6f, reg loss %.6f, active units %d" % (data, reg_loss, mask.sum()))
    if clip_report is not None:
        print("max |score| %.3g (clip report at %g)" % (np.abs(scores).max(), clip_report))
    dscores = probs.copy()
    dscores[rows, y] -= 1.0
    dscores /= N
    dh1 = dscores @ W2.T
    dz1 = dh1 * mask
    return data + reg_loss, {
        "W1": X.T @ dz1 + reg * W1,
        "b1": np.sum(dz1, axis=0),
        "W2": h1.T @ dscores + reg * W2,
        "b2": np.sum(dscores, axis=0),
    }

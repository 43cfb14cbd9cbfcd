"""Two-layer softmax cross-entropy loss whose backward uses elementwise sigmoid instead of softmax."""
# Bug: dscores = (sigmoid(scores) - onehot) / N, the gradient of a one-vs-all logistic loss,
# not of the softmax loss returned; all four gradients disagree, no common factor.
import numpy as np

EXPECTED = {"signature": "mixed", "params": []}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), y].mean()
    sig = 0.5 * (1.0 + np.tanh(0.5 * scores))  # overflow-free sigmoid
    ds = (sig - np.eye(C)[y]) / N
    dz = (ds @ W2.T) * (z > 0)
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), {
        "W1": X.T @ dz + reg * W1,
        "b1": dz.sum(axis=0),
        "W2": h.T @ ds + reg * W2,
        "b2": ds.sum(axis=0),
    }

"""Two-layer softmax loss that adds reg * b to the bias gradients although the penalty skips biases."""
# Bug: the gradient loop regularizes every parameter, the loss only the weights. Right at
# reg = 0; at reg > 0 exactly b1 and b2 disagree with the returned loss.
import numpy as np

EXPECTED = {"signature": "reg_only", "params": ["b1", "b2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data_loss = -logp[np.arange(N), y].mean()
    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1.0
    ds /= N
    dz = (ds @ W2.T) * (z > 0)
    grads = {"W1": X.T @ dz, "b1": dz.sum(axis=0), "W2": h.T @ ds, "b2": ds.sum(axis=0)}
    for name in grads:
        grads[name] = grads[name] + reg * params[name]
    return data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2)), grads

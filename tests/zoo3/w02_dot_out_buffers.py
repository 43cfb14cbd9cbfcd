"""Two-layer net computed with np.dot into preallocated out= buffers."""
# correct: every product is written into a fresh buffer with np.dot(..., out=buf); nothing passed in is touched.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, D = X.shape
    H = W1.shape[1]
    C = W2.shape[1]
    z1 = np.empty((N, H))
    np.dot(X, W1, out=z1)
    z1 += b1
    h1 = np.empty((N, H))
    np.maximum(z1, 0.0, out=h1)
    scores = np.empty((N, C))
    np.dot(h1, W2, out=scores)
    scores += b2
    scores -= scores.max(axis=1, keepdims=True)
    ex = np.exp(scores)
    norm = ex.sum(axis=1, keepdims=True)
    probs = ex / norm
    rows = np.arange(N)
    data = float(np.mean(np.log(norm[:, 0]) - scores[rows, y]))
    L = data + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = probs
    dscores[rows, y] -= 1.0
    dscores /= N
    dW2 = np.empty((H, C))
    np.dot(h1.T, dscores, out=dW2)
    db2 = dscores.sum(axis=0)
    dh1 = np.empty((N, H))
    np.dot(dscores, W2.T, out=dh1)
    dh1 *= (z1 > 0)
    dW1 = np.empty((D, H))
    np.dot(X.T, dh1, out=dW1)
    db1 = dh1.sum(axis=0)
    dW1 += reg * W1
    dW2 += reg * W2
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

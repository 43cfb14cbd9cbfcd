"""Forms dW2 from the un-averaged residual before dividing it by N for the rest of backprop."""
import numpy as np

# Bug: dW2 uses (p - onehot) before the 1/N is applied, so only W2's gradient is N times too large.
EXPECTED = {"signature": "localized", "params": ["W2"]}


def loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    Z = X @ W1 + b1
    A = np.maximum(Z, 0.0)
    S = A @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    lse = np.log(np.exp(S).sum(axis=1, keepdims=True))
    L = float(np.mean(lse[:, 0] - S[np.arange(N), y]))
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    resid = np.exp(S - lse)
    resid[np.arange(N), y] -= 1.0
    dW2 = A.T @ resid + reg * W2
    dS = resid / N
    db2 = dS.sum(axis=0)
    dZ = (dS @ W2.T) * (Z > 0)
    dW1 = X.T @ dZ + reg * W1
    db1 = dZ.sum(axis=0)
    return L, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

"""Convnet whose pool backward sends a window's gradient to every entry equal to the window maximum."""
# correct (equivalent): a tie in a = max(z, 0) happens only among the zeros of a window whose four z
# are negative (a positive maximum is unique on these problems); the ReLU mask z > 0 then zeroes every
# routed copy, so routing to all tied entries gives the same gradients as routing to the first.
import numpy as np

EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    W1 = params["W1"]
    b1 = params["b1"]
    W2 = params["W2"]
    b2 = params["b2"]
    N, Cin, Hh, Ww = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    idx_i = np.arange(Hh)[:, None] + np.arange(K)[None, :]         # (Hh, K)
    idx_j = np.arange(Ww)[:, None] + np.arange(K)[None, :]         # (Ww, K)
    patches = Xp[:, :, idx_i[:, None, :, None], idx_j[None, :, None, :]]   # (N, Cin, Hh, Ww, K, K)
    Z = np.einsum("ncijpq,fcpq->nfij", patches, W1) + b1[:, None, None]
    A = np.maximum(Z, 0)
    up = lambda t: np.repeat(np.repeat(t, 2, axis=2), 2, axis=3)
    M = A.reshape(N, F, Hh // 2, 2, Ww // 2, 2).max(axis=5).max(axis=3)
    route = (A == up(M)).astype(float)
    S = M.reshape(N, -1) @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    P_ = np.exp(S)
    P_ /= P_.sum(axis=1, keepdims=True)
    logZ = np.log(np.exp(S).sum(axis=1))
    loss_value = np.mean(logZ - S[np.arange(N), y]) + (reg / 2) * ((W1 ** 2).sum() + (W2 ** 2).sum())

    dS = P_.copy()
    dS[np.arange(N), y] -= 1
    dS /= N
    dW2 = M.reshape(N, -1).T @ dS + reg * W2
    db2 = dS.sum(axis=0)
    dM = (dS @ W2.T).reshape(M.shape)
    dZ = route * up(dM) * (Z > 0)
    dW1 = np.einsum("ncijpq,nfij->fcpq", patches, dZ) + reg * W1
    db1 = dZ.sum(axis=(0, 2, 3))
    return loss_value, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

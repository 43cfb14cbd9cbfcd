"""Convnet whose max-pool backward is the average-pool backward: a quarter of the gradient to each entry."""
# bug: dA = repeat(repeat(dpooled / 4)) over each 2x2 window instead of routing it to the maximum;
# W2 and b2 are right, W1 and b1 wrong with no common factor (not 1/4: entries off the max get gradient).
import numpy as np

EXPECTED = {"signature": "localized", "params": ["W1", "b1"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C, H, W = X.shape
    F, _, K, _ = W1.shape
    P = (K - 1) // 2
    Xpad = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    taps = [(p, q) for p in range(K) for q in range(K)]
    stackx = np.stack([Xpad[:, :, p:p + H, q:q + W] for p, q in taps], axis=2)  # (N, C, K*K, H, W)
    Wt = W1.reshape(F, C, K * K)
    Z = np.einsum("nctij,fct->nfij", stackx, Wt) + b1[:, None, None]
    A = np.maximum(Z, 0)
    pooled = A.reshape(N, F, H // 2, 2, W // 2, 2).max(axis=5).max(axis=3)
    flat = pooled.reshape(N, -1)
    S = flat @ W2 + b2
    S -= S.max(axis=1, keepdims=True)
    LS = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    loss_ = -LS[np.arange(N), y].mean() + 0.5 * reg * ((W1 ** 2).sum() + (W2 ** 2).sum())
    dS = np.exp(LS)
    dS[np.arange(N), y] -= 1
    dS /= N
    dpool = (dS @ W2.T).reshape(pooled.shape)
    dA = np.repeat(np.repeat(dpool / 4.0, 2, axis=2), 2, axis=3)
    dZ = dA * (Z > 0)
    dW1 = np.einsum("nctij,nfij->fct", stackx, dZ).reshape(W1.shape)
    grads = {"W1": dW1 + reg * W1, "b1": dZ.sum(axis=(0, 2, 3)), "W2": flat.T @ dS + reg * W2, "b2": dS.sum(axis=0)}
    if return_dX:
        dstack = np.einsum("nfij,fct->nctij", dZ, Wt)
        dXpad = np.zeros_like(Xpad)
        for t, (p, q) in enumerate(taps):
            dXpad[:, :, p:p + H, q:q + W] += dstack[:, :, t]
        return loss_, grads, dXpad[:, :, P:P + H, P:P + W]
    return loss_, grads

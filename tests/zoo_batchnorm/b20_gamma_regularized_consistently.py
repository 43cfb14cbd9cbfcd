"""gamma treated as a weight: (reg/2)||gamma||^2 added to the loss and reg * gamma to dgamma."""
# bug (consistent): at reg = 0 it is the reference; at reg = 0.1 the loss exceeds the reference's by
# (reg/2)||gamma||^2 and every gradient matches central differences of that loss; this project regularizes
# only W1 and W2.
import numpy as np

EXPECTED = {"signature": "loss_mismatch", "params": []}


def loss(params, X, y, reg=0.0):
    N = X.shape[0]
    W1, W2, gam = params["W1"], params["W2"], params["gamma"]
    z = X @ W1 + params["b1"]
    zc = z - z.mean(axis=0)
    rs = 1.0 / np.sqrt((zc * zc).mean(axis=0) + 1e-5)
    xh = zc * rs
    bn = gam * xh + params["beta"]
    mask = bn > 0
    h = bn * mask
    sc = h @ W2 + params["b2"]
    sc -= sc.max(axis=1, keepdims=True)
    lse = np.log(np.exp(sc).sum(axis=1))
    L = np.mean(lse - sc[np.arange(N), y])
    L += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(gam * gam))
    dsc = np.exp(sc - lse[:, None])
    dsc[np.arange(N), y] -= 1.0
    dsc /= N
    dbn = (dsc @ W2.T) * mask
    dgam = (dbn * xh).sum(axis=0) + reg * gam
    dbeta = dbn.sum(axis=0)
    dz = gam * rs * (dbn - dbeta / N - xh * (dbn * xh).sum(axis=0) / N)
    return L, {"W1": X.T @ dz + reg * W1, "b1": dz.sum(axis=0), "gamma": dgam, "beta": dbeta,
               "W2": h.T @ dsc + reg * W2, "b2": dsc.sum(axis=0)}

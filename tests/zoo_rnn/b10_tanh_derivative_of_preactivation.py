"""RNN that stores the pre-activation a_t and takes the tanh derivative as 1 - a_t**2."""
import numpy as np

# bug: da = dh * (1 - a**2) with a the pre-activation (right: 1 - tanh(a)**2 = 1 - h**2); every
# step's da is wrong, so Wx, Wh, b and dX at every step are wrong, Wy and by are right.
EXPECTED = {"signature": "localized", "params": ["Wx", "Wh", "b"], "step": 5}


def loss(params, X, y, reg=0.0, return_dX=False):
    Wx, Wh, b, Wy, by = params["Wx"], params["Wh"], params["b"], params["Wy"], params["by"]
    N, T, D = X.shape
    H = b.size
    A = np.zeros((N, T, H))
    Hs = np.zeros((N, T, H))
    hp = np.zeros((N, H))
    for t in range(T):
        A[:, t] = X[:, t] @ Wx + hp @ Wh + b
        hp = Hs[:, t] = np.tanh(A[:, t])
    Z = np.matmul(Hs, Wy) + by
    Z = Z - Z.max(axis=2, keepdims=True)
    LP = Z - np.log(np.exp(Z).sum(axis=2, keepdims=True))
    sel = np.take_along_axis(LP, y[:, :, None], axis=2)
    L = -sel.sum() / N + 0.5 * reg * (np.square(Wx).sum() + np.square(Wh).sum() + np.square(Wy).sum())
    dZ = np.exp(LP)
    np.put_along_axis(dZ, y[:, :, None], np.take_along_axis(dZ, y[:, :, None], axis=2) - 1.0, axis=2)
    dZ /= N
    dHs = np.matmul(dZ, Wy.T)
    dA = np.zeros_like(A)
    dnext = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dA[:, t] = (dHs[:, t] + dnext) * (1.0 - A[:, t] ** 2)     # BUG: A is the pre-activation
        dnext = dA[:, t] @ Wh.T
    Hprev = np.concatenate([np.zeros((N, 1, H)), Hs[:, :-1]], axis=1)
    grads = {
        "Wx": np.tensordot(X, dA, axes=([0, 1], [0, 1])) + reg * Wx,
        "Wh": np.tensordot(Hprev, dA, axes=([0, 1], [0, 1])) + reg * Wh,
        "b": dA.sum(axis=(0, 1)),
        "Wy": np.tensordot(Hs, dZ, axes=([0, 1], [0, 1])) + reg * Wy,
        "by": dZ.sum(axis=(0, 1)),
    }
    if return_dX:
        return L, grads, dA @ Wx.T
    return L, grads

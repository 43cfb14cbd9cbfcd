"""RNN that adds reg * param to the gradient of every parameter, biases included."""
import numpy as np

# bug: db and dby get + reg * b and + reg * by although the loss penalizes only Wx, Wh, Wy: exact at
# reg = 0; at reg = 0.1 db and dby are off by reg * bias, the weight gradients are right.
EXPECTED = {"signature": "reg_only", "params": ["b", "by"]}


def loss(params, X, y, reg=0.0):
    names = ("Wx", "Wh", "b", "Wy", "by")
    Wx, Wh, b, Wy, by = (params[n] for n in names)
    N, T, D = X.shape
    H = Wh.shape[0]
    Xt = X.transpose(1, 0, 2)
    hseq = np.zeros((T + 1, N, H))
    for t in range(T):
        hseq[t + 1] = np.tanh(Xt[t] @ Wx + hseq[t] @ Wh + b)
    out = hseq[1:] @ Wy + by
    out = out - out.max(axis=2, keepdims=True)
    logp = out - np.log(np.exp(out).sum(axis=2, keepdims=True))
    onehot = np.eye(Wy.shape[1])[y.T]
    L = -np.sum(onehot * logp) / N + 0.5 * reg * (np.sum(Wx * Wx) + np.sum(Wh * Wh) + np.sum(Wy * Wy))
    dout = (np.exp(logp) - onehot) / N
    dh = dout @ Wy.T
    da = np.zeros((T, N, H))
    acc = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da[t] = (dh[t] + acc) * (1.0 - hseq[t + 1] ** 2)
        acc = da[t] @ Wh.T
    grads = {
        "Wx": np.einsum("tnd,tnh->dh", Xt, da),
        "Wh": np.einsum("tnk,tnh->kh", hseq[:-1], da),
        "b": da.sum(axis=(0, 1)),
        "Wy": np.einsum("tnh,tnc->hc", hseq[1:], dout),
        "by": dout.sum(axis=(0, 1)),
    }
    for n in names:
        grads[n] = grads[n] + reg * params[n]       # BUG: biases are not penalized in the loss
    return L, grads

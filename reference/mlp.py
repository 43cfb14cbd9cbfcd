"""An L-layer network built from the two-layer network's own layer functions.

What it is for: answering how the derivation generalizes to depth. The network is
Affine -> ReLU -> ... -> Affine -> ReLU -> Affine -> softmax cross-entropy with any number of
hidden layers >= 1, composed from reference.net's affine_forward / affine_backward,
relu_forward / relu_backward and softmax_cross_entropy, so every layer is the one already
derived and checked. The backward pass is one loop from the top layer down: the gradient with
respect to each affine layer's input (the dx that the two-layer network computed for the
first layer but did not need) becomes the upstream gradient of the layer below.
What it is not for: replacing reference/net.py as the oracle of the bug cards, training, or
anything but one loss evaluation.

Conventions are net.loss's: mean cross-entropy, (reg / 2) * sum over layers of ||Wl||^2,
biases not regularized, ReLU'(0) = 0, integer labels. Shapes: N batch, D input, Hl the
width of hidden layer l, C classes; layer l maps width H(l-1) to Hl, with H0 = D, HL = C.
"""
import numpy as np
from typing import Any, Dict, Tuple

from reference.net import affine_backward, affine_forward, relu_backward, relu_forward, softmax_cross_entropy


def depth(params: Dict[str, np.ndarray]) -> int:
    """Number L of affine layers in params (keys W1, b1, ..., WL, bL); ValueError if malformed.

    The network has L - 1 hidden layers, so L >= 2. Every key must be Wl or bl for
    l in 1..L, both present for every l, with shapes that chain: Wl of shape (H(l-1), Hl),
    bl of shape (Hl,), and the rows of W(l+1) equal to the columns of Wl.
    """
    if not isinstance(params, dict) or not params:
        raise ValueError("params must be a non-empty dict with keys W1, b1, ..., WL, bL")
    indices = set()
    for key in params:
        if not (isinstance(key, str) and len(key) >= 2 and key[0] in "Wb" and key[1:].isdigit()
                and key[1] != "0"):
            raise ValueError("unexpected key %r in params: expected only W1, b1, ..., WL, bL" % (key,))
        indices.add(int(key[1:]))
    L = max(indices)
    missing = ["%s%d" % (kind, l) for l in range(1, L + 1) for kind in "Wb"
               if "%s%d" % (kind, l) not in params]
    if missing:
        raise ValueError("params has layers up to %d but is missing %s: every layer l needs "
                         "both Wl and bl" % (L, ", ".join(missing)))
    if L < 2:
        raise ValueError("params has only W1, b1: the network needs at least one hidden layer "
                         "(W1, b1, W2, b2)")
    for l in range(1, L + 1):
        W, b = np.shape(params["W%d" % l]), np.shape(params["b%d" % l])
        if len(W) != 2 or b != (W[1],):
            raise ValueError("W%d has shape %s and b%d has shape %s: Wl must be 2-D of shape "
                             "(H(l-1), Hl) and bl of shape (Hl,)" % (l, W, l, b))
        if l > 1 and W[0] != np.shape(params["W%d" % (l - 1)])[1]:
            raise ValueError("W%d has %d rows but W%d has %d columns: layer widths must chain"
                             % (l, W[0], l - 1, np.shape(params["W%d" % (l - 1)])[1]))
    return L


def loss(params: Dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, reg: float = 0.0,
         return_dX: bool = False) -> Tuple[Any, ...]:
    """Loss and gradients of the L-layer network.

    Inputs:
    - params: dict with W1 of shape (D, H1), b1 (H1,), ..., WL (H(L-1), C), bL (C,), float64,
      L >= 2 (at least one hidden layer); L is inferred from the keys.
    - X of shape (N, D), float64; y of shape (N,), integer labels in [0, C).
    - reg: L2 strength; the loss adds (reg / 2) * (||W1||^2 + ... + ||WL||^2).
    - return_dX: also return dL/dX of shape (N, D).
    Returns (loss, grads), or (loss, grads, dX) with return_dX: grads has the keys and
    shapes of params. Nothing passed in is modified. With L = 2 this is net.loss.
    """
    L = depth(params)  # L affine layers, L - 1 hidden layers; ValueError if the keys are malformed

    # Forward pass: layers 1..L-1 are Affine -> ReLU, layer L is Affine -> softmax.
    h = X  # (N, H0) = (N, D)
    affine_caches, relu_caches = [], []
    for l in range(1, L):
        # z: (N, Hl) = (N, H(l-1)) @ (H(l-1), Hl) + (Hl,)
        z, cache = affine_forward(h, params["W%d" % l], params["b%d" % l])
        affine_caches.append(cache)  # cache of layer l: (h of shape (N, H(l-1)), Wl)
        h, relu_cache = relu_forward(z)  # (N, Hl)
        relu_caches.append(relu_cache)  # z of shape (N, Hl)
    scores, cache = affine_forward(h, params["W%d" % L], params["b%d" % L])  # (N, C) = (N, H(L-1)) @ (H(L-1), C) + (C,)
    affine_caches.append(cache)  # cache of layer L
    data_loss, dscores = softmax_cross_entropy(scores, y)  # scalar, (N, C)
    reg_loss = 0.5 * reg * sum(np.sum(params["W%d" % l] ** 2) for l in range(1, L + 1))  # scalar
    total_loss = data_loss + reg_loss

    # Backward pass, top layer down: the input gradient of each affine layer is the
    # upstream of the layer below it.
    grads: Dict[str, np.ndarray] = {}  # filled top down: WL, bL first
    # dh, dWL, dbL: (N, H(L-1)), (H(L-1), C), (C,)
    dh, grads["W%d" % L], grads["b%d" % L] = affine_backward(dscores, affine_caches[L - 1])
    for l in range(L - 1, 0, -1):
        dz = relu_backward(dh, relu_caches[l - 1])  # (N, Hl): dh masked by z > 0
        # dh, dWl, dbl: (N, H(l-1)), (H(l-1), Hl), (Hl,)
        dh, grads["W%d" % l], grads["b%d" % l] = affine_backward(dz, affine_caches[l - 1])
    dX = dh  # (N, D): after layer 1, the upstream is dL/dX
    for l in range(1, L + 1):
        grads["W%d" % l] = grads["W%d" % l] + reg * params["W%d" % l]  # (H(l-1), Hl): d/dWl of (reg / 2) ||Wl||^2

    grads = {key: grads[key] for key in params}  # same keys, same order as params
    if return_dX:
        return total_loss, grads, dX
    return total_loss, grads

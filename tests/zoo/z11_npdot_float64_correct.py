"""np.dot everywhere, with every array explicitly cast to float64 up front."""
import numpy as np

# Correct.
EXPECTED = {"signature": "ok"}


def loss(params, X, y, reg=0.0):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    W1 = np.asarray(params["W1"], dtype=np.float64)
    b1 = np.asarray(params["b1"], dtype=np.float64)
    W2 = np.asarray(params["W2"], dtype=np.float64)
    b2 = np.asarray(params["b2"], dtype=np.float64)
    reg = np.float64(reg)
    num_train = X.shape[0]

    layer1 = np.maximum(np.dot(X, W1) + b1, np.float64(0.0))
    scores = np.dot(layer1, W2) + b2
    scores = scores - np.amax(scores, axis=1).reshape(-1, 1)
    exp_scores = np.exp(scores)
    norm = np.sum(exp_scores, axis=1)
    correct_logprobs = np.log(norm) - scores[np.arange(num_train), y]
    data_loss = np.sum(correct_logprobs) / num_train
    reg_loss = 0.5 * reg * np.sum(W1 * W1) + 0.5 * reg * np.sum(W2 * W2)

    dscores = exp_scores / norm.reshape(-1, 1)
    dscores[np.arange(num_train), y] -= 1
    dscores /= num_train
    dW2 = np.dot(layer1.T, dscores) + reg * W2
    db2 = np.sum(dscores, axis=0)
    dhidden = np.dot(dscores, W2.T)
    dhidden[layer1 <= 0] = 0
    dW1 = np.dot(X.T, dhidden) + reg * W1
    db1 = np.sum(dhidden, axis=0)
    return data_loss + reg_loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

"""Generalized cross-entropy (Zhang & Sabuncu, 2018): (1 - p^q)/q, between cross-entropy
(q → 0) and mean absolute error (q = 1), robust to noisy labels."""
import swiftdl as _sd


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """(1 - p^q)/q per sample, p the predicted probability of the sample's class.

    Args:
        y_true: (batch,) or (batch, 1) integer class indices.
        y_pred: (batch, classes) probabilities.
        q: the noise parameter in (0, 1).

    Returns:
        (batch,) losses.
    """
    from ..losses import _tensor
    from ..ops.nn_losses import one_hot
    y_pred = _tensor(y_pred)
    labels = _tensor(y_true)
    # NOTE: Keras 3.15 one-hot encodes (batch, 1) labels to (batch, 1, classes) and so
    # broadcasts them into a (batch, batch) result; its docstring allows (batch, 1), so
    # that trailing axis is dropped here first.
    if labels.ndim == y_pred.ndim and labels.ndim > 1 and labels.shape[-1] == 1:
        labels = _sd.squeeze(labels, -1)
    if tuple(labels.shape) != tuple(y_pred.shape[:-1]):
        raise ValueError("[categorical_generalized_cross_entropy] y_true must hold one class index per sample; received "
                         f"y_true.shape={tuple(labels.shape)}, y_pred.shape={tuple(y_pred.shape)}")
    encoded = one_hot(labels.astype("int64"), y_pred.shape[-1], dtype=y_pred.dtype.name)
    p = _sd.sum(y_pred * encoded, axis=-1)
    return (1.0 - p ** q) / q

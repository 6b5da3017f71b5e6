"""Focal cross-entropies (Lin et al., 2017): the cross-entropy scaled by (1 − p_t)^γ, so
well-classified samples weigh less."""
import swiftdl as _sd

from ..backend import epsilon


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    """mean((1 − p_t)^γ · BCE) over `axis`, p_t = y·p + (1 − y)(1 − p); with class balancing
    each term is also weighted by α for positives and 1 − α for negatives."""
    from ..losses import _float_target, _tensor
    y_pred = _tensor(y_pred)
    y_true = _float_target(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        from swiftdl import nn
        y_pred = nn.sigmoid(y_pred)
    output = _sd.clip(y_pred, epsilon(), 1.0 - epsilon())
    bce = -(y_true * _sd.log(output) + (1.0 - y_true) * _sd.log(1.0 - output))
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = (1.0 - p_t) ** gamma * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return focal.mean(axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    """Σ α (1 − p)^γ · (−y log p) over `axis`, p the (normalized, clipped) probabilities."""
    from ..losses import _float_target, _tensor
    y_pred = _tensor(y_pred)
    y_true = _float_target(y_true, y_pred)
    if label_smoothing:
        classes = y_pred.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    if from_logits:
        from swiftdl import nn
        y_pred = nn.softmax(y_pred, axis=axis)
    output = y_pred / _sd.sum(y_pred, axis=axis, keepdims=True)
    output = _sd.clip(output, epsilon(), 1.0 - epsilon())
    cce = -y_true * _sd.log(output)
    focal = alpha * (1.0 - output) ** gamma * cce
    return _sd.sum(focal, axis=axis)

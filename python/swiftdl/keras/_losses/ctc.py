"""CTC loss (Graves et al., 2006) as Keras's `losses.ctc` calls it: label 0 is the blank and
pads the targets, and every sequence of logits is used in full."""
import swiftdl as _sd


def ctc(y_true, y_pred):
    """Negative log-likelihood of each label sequence under the logits, summed over all
    alignments.

    Args:
        y_true: (batch, max_length) integer labels, 0 being the blank/padding.
        y_pred: (batch, frames, classes) logits (not softmaxed).

    Returns:
        (batch,) losses.

    Raises:
        ValueError: for targets that are not rank 2 or logits that are not rank 3.
    """
    from ..losses import _tensor
    from ..ops.nn_ctc import ctc_loss
    y_pred = _tensor(y_pred)
    labels = _tensor(y_true)
    if labels.ndim != 2:
        raise ValueError("Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in integer "
                         f"format. Received: y_true.shape={tuple(labels.shape)}")
    if y_pred.ndim != 3:
        raise ValueError("Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, num_classes)`. "
                         f"Received: y_pred.shape={tuple(y_pred.shape)}")
    labels = labels.astype("int32")
    batch, frames = y_pred.shape[0], y_pred.shape[1]
    label_length = _sd.sum(_sd.not_equal(labels, 0), axis=-1).astype("int32")
    frame_length = _sd.full((batch,), frames, "int32")
    return ctc_loss(labels, y_pred, label_length, frame_length, mask_index=0)

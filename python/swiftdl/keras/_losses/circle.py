"""Circle loss (Sun et al., 2020): a metric-learning loss over pairs of L2-normalized
embeddings, each pair's similarity weighted by how far it is from its optimum."""
import swiftdl as _sd

# NOTE: masked pairs enter the log-sum-exp as this very negative *finite* value rather than
# -inf: a sample with no positive (or no negative) pair then gives softplus(-huge) = 0 with a
# zero gradient, where -inf would give log(0) and a NaN gradient.
_MASKED = -1e30


def _masks(labels, ref_labels, remove_diagonal):
    """Positive pairs (same label) and negative pairs (different label), as Keras's
    build_pos_neg_masks; the diagonal leaves the positives when remove_diagonal."""
    query = _sd.reshape(labels, (-1, 1))
    keys = _sd.reshape(ref_labels, (1, -1))
    positive = _sd.equal(query, keys)
    negative = _sd.logical_not(positive)
    if remove_diagonal:
        diagonal = _sd.eye(query.shape[0], keys.shape[1], dtype="bool")
        positive = _sd.logical_and(positive, _sd.logical_not(diagonal))
    return positive, negative


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss per sample: softplus(logsumexp over positives + logsumexp over negatives)
    of the γ-scaled, weighted cosine distances to the optima (margin, 1 + margin).

    Args:
        y_true: (batch,) integer labels.
        y_pred: (batch, dim) L2-normalized embeddings.
        ref_labels, ref_embeddings: the reference set (default: the batch itself).
        remove_diagonal: leave each sample's pair with itself out of the positives.
        gamma: scale of the similarities (80).
        margin: relaxation factor (0.4).

    Returns:
        (batch,) losses.
    """
    from ..losses import _tensor
    from ..ops.numpy_reductions import logsumexp
    y_pred = _tensor(y_pred)
    if y_pred.ndim != 2:
        raise ValueError(f"[circle] y_pred must be (batch, embedding_dim) embeddings; received shape {tuple(y_pred.shape)}")
    labels = _tensor(y_true).astype("int32")
    reference = y_pred if ref_embeddings is None else _tensor(ref_embeddings, y_pred.dtype)
    ref_labels = labels if ref_labels is None else _tensor(ref_labels).astype("int32")
    if labels.size != y_pred.shape[0] or ref_labels.size != reference.shape[0]:
        raise ValueError(f"[circle] expects one label per embedding; received labels of shape {tuple(labels.shape)} for "
                         f"embeddings of shape {tuple(y_pred.shape)}")
    distances = _sd.maximum(1.0 - _sd.matmul(y_pred, _sd.transpose(reference)), 0.0)
    positive, negative = _masks(labels, ref_labels, remove_diagonal)
    positive_weights = _sd.maximum((margin + distances) * positive.astype(distances.dtype), 0.0)
    negative_weights = _sd.maximum((1.0 + margin - distances) * negative.astype(distances.dtype), 0.0)
    positive_terms = -gamma * positive_weights * (margin - distances)
    negative_terms = gamma * negative_weights * ((1.0 - margin) - distances)
    masked = _sd.full((), _MASKED, distances.dtype)
    positive_loss = logsumexp(_sd.where(positive, positive_terms, masked), axis=1)
    negative_loss = logsumexp(_sd.where(negative, negative_terms, masked), axis=1)
    from swiftdl import nn
    return nn.softplus(positive_loss + negative_loss)

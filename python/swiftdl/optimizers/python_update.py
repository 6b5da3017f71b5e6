"""The base optimizer's gradient clipping and weight decay, in engine ops, for optimizers
whose update is written in Python (Adamax, Lion) rather than one fused engine call."""
from __future__ import annotations

from typing import Any, Sequence

import swiftdl as _sd

from .._autograd import Variable
from .._tensor import Tensor


def _clip_by_norm(gradient: Tensor, max_norm: float) -> Tensor:
    norm = float(_sd.sqrt(_sd.sum(gradient * gradient)))
    return gradient * (max_norm / norm) if norm > max_norm else gradient


def clip_and_decay(options: tuple[Any, ...], variables: Sequence[Variable],
                   gradients: list[Tensor]) -> tuple[float, list[Tensor]]:
    """Applies `options` as Keras does before an update step: clip the gradients (clipnorm,
    clipvalue or global_clipnorm), then decay each variable `v -= v·weight_decay·lr`.

    Args:
        options: (learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, mask),
            0 meaning "off" and mask None (every variable decays) or one bool per variable.

    Returns:
        The learning rate and the clipped gradients.
    """
    learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, mask = options
    if clipnorm:
        gradients = [_clip_by_norm(g, clipnorm) for g in gradients]
    elif clipvalue:
        gradients = [_sd.clip(g, -clipvalue, clipvalue) for g in gradients]
    elif global_clipnorm:
        total = sum(float(_sd.sum(g * g)) for g in gradients) ** 0.5
        if total > global_clipnorm:
            gradients = [g * (global_clipnorm / total) for g in gradients]
    if weight_decay:
        for i, variable in enumerate(variables):
            if mask is None or mask[i]:
                variable.assign(variable - variable * (weight_decay * learning_rate))
    return learning_rate, gradients

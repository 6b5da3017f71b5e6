"""AdamW (keras.optimizers.AdamW)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .adam import Adam

if TYPE_CHECKING:
    from .base_optimizer import _LearningRate


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), in Keras 3's order: each step
    first decays `w ← w - w·weight_decay·lr`, then applies Adam's update.

    Args:
        learning_rate: float or schedule (default 0.001).
        weight_decay: the decay rate (default 0.004); required.
        beta_1, beta_2, epsilon, amsgrad: as `Adam`.

    Raises:
        ValueError: if weight_decay is None.
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, weight_decay: float | None = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         name=name, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency, loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")

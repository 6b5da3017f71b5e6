"""Keras's augmentation policies: RandAugment (num_ops operations picked at random from
eleven, for the whole batch) and AugMix (chains of random operations mixed with Dirichlet
weights, then blended with the original by a Beta weight), built from swiftdl's own layers
with Keras's arguments. Their draws are swiftdl's: same distributions as Keras, other values."""
import numpy as np

import swiftdl as _sd

from .image_color_augmentation import RandomColorDegeneration, RandomPosterization
from .image_color_augmentation import RandomSharpness, Solarization, _ColorLayer
from .image_geometric_augmentation import RandomShear
from .image_histogram_equalization import AutoContrast, Equalization
from .image_preprocessing import RandomBrightness, RandomContrast

_GEOMETRIC_AND_TONE = ["random_shear", "random_translation", "random_rotation", "random_posterization", "solarization",
                       "auto_contrast", "equalization"]
_COLOUR = ["random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness"]


class _Policy(_ColorLayer):
    """Holds one instance of each operation, under Keras's attribute names."""

    _FACTOR_BOUNDS = (0, 1)

    def _make_operations(self, names, interpolation, data_format):
        from .image_affine_augmentation import RandomRotation, RandomTranslation
        factor, value_range, seed = self.factor, self.value_range, self.seed
        makers = {
            "random_shear": lambda: RandomShear(x_factor=factor, y_factor=factor, interpolation=interpolation,
                                                seed=seed, data_format=data_format),
            "random_translation": lambda: RandomTranslation(height_factor=factor, width_factor=factor,
                                                            interpolation=interpolation, seed=seed,
                                                            data_format=data_format),
            "random_rotation": lambda: RandomRotation(factor=factor, interpolation=interpolation, seed=seed,
                                                      data_format=data_format),
            "random_brightness": lambda: RandomBrightness(factor=factor, value_range=value_range, seed=seed),
            "random_color_degeneration": lambda: RandomColorDegeneration(factor=factor, value_range=value_range,
                                                                         seed=seed, data_format=data_format),
            "random_contrast": lambda: RandomContrast(factor=factor, value_range=value_range, seed=seed),
            "random_sharpness": lambda: RandomSharpness(factor=factor, value_range=value_range, seed=seed,
                                                        data_format=data_format),
            "solarization": lambda: Solarization(addition_factor=factor, threshold_factor=factor,
                                                 value_range=value_range, seed=seed, data_format=data_format),
            "random_posterization": lambda: RandomPosterization(factor=max(1, int(8 * factor[1])),
                                                                value_range=value_range, seed=seed,
                                                                data_format=data_format),
            "auto_contrast": lambda: AutoContrast(value_range=value_range, data_format=data_format),
            "equalization": lambda: Equalization(value_range=value_range, data_format=data_format),
        }
        self._operation_names = list(names)
        for name in names:
            setattr(self, name, makers[name]())

    def _apply(self, name, images):
        return getattr(self, name)(images, training=True)


class RandAugment(_Policy):
    """Applies `num_ops` operations, each chosen at random (for the whole batch) from
    shear, translation, rotation, brightness, colour degeneration, contrast, sharpness,
    posterization, solarization, auto-contrast and equalization, at strength `factor`."""

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.value_range, self.num_ops, self.interpolation = value_range, num_ops, interpolation
        self._set_factor(factor)
        self._make_operations(_GEOMETRIC_AND_TONE[:3] + _COLOUR[:2] + ["random_contrast", "random_sharpness",
                                                                       "random_posterization", "solarization",
                                                                       "auto_contrast", "equalization"],
                              interpolation, data_format)

    def get_random_transformation(self, images):
        from .. import random
        picks = random.randint((self.num_ops,), 0, len(self._operation_names), seed=self._seed_generator())
        return {"layer_idxes": picks}

    def transform_images(self, images, transformation):
        images = images.astype(self.dtype)
        for index in np.asarray(transformation["layer_idxes"]).tolist():
            images = self._apply(self._operation_names[int(index)], images)
        return images

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "num_ops": self.num_ops, "factor": self.factor,
                       "interpolation": self.interpolation, "seed": self.seed})
        return config


class AugMix(_Policy):
    """Mixes `num_chains` chains of up to `chain_depth` random operations (Dirichlet(alpha)
    weights), then blends the mix with the image by a Beta(alpha, alpha) weight."""

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.value_range, self.num_chains, self.chain_depth = value_range, num_chains, chain_depth
        self.alpha, self.all_ops, self.interpolation = alpha, all_ops, interpolation
        self._set_factor(factor)
        self._make_operations(_GEOMETRIC_AND_TONE + (_COLOUR if all_ops else []), interpolation, data_format)

    def get_random_transformation(self, images):
        from .. import random
        gammas = np.asarray(random.gamma((self.num_chains,), self.alpha, seed=self._seed_generator()), np.float64)
        weights = gammas / gammas.sum()
        blend = float(np.asarray(random.beta((), self.alpha, self.alpha, seed=self._seed_generator())))
        # A step may pick "nothing" (Keras chooses among the operations and None).
        steps = np.asarray(random.randint((self.num_chains, self.chain_depth), 0, len(self._operation_names) + 1,
                                          seed=self._seed_generator()))
        chains = [[self._operation_names[i] for i in row if i < len(self._operation_names)] for row in steps.tolist()]
        return {"chain_mixing_weights": weights, "weight_sample": blend, "chain_transforms": chains}

    def transform_images(self, images, transformation):
        images = images.astype(self.dtype)
        mixed = None
        for weight, chain in zip(transformation["chain_mixing_weights"], transformation["chain_transforms"]):
            augmented = images
            for name in chain:
                augmented = self._apply(name, augmented)
            mixed = augmented * float(weight) if mixed is None else mixed + augmented * float(weight)
        blend = float(transformation["weight_sample"])
        return _sd.clip(blend * images + (1 - blend) * mixed, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "num_chains": self.num_chains,
                       "chain_depth": self.chain_depth, "factor": self.factor, "alpha": self.alpha,
                       "all_ops": self.all_ops, "interpolation": self.interpolation, "seed": self.seed})
        return config

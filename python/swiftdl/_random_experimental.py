"""tf.random.experimental: the Generator API and the stateless seed tools under their
experimental names (stateless_fold_in is tf.random.fold_in, stateless_split is tf.random.split)."""
from ._tf_random import Generator, get_global_generator, set_global_generator, stateless_shuffle
from ._tf_random_distributions import Algorithm, create_rng_state, fold_in as stateless_fold_in, \
    split as stateless_split

__all__ = ["Algorithm", "Generator", "create_rng_state", "get_global_generator", "set_global_generator",
           "stateless_fold_in", "stateless_shuffle", "stateless_split"]

"""swiftdl.nn: TensorFlow's tf.nn functional ops, computed by the Swift engine."""
from ._activations import elu, gelu, leaky_relu, relu, relu6, selu, sigmoid, silu, softplus, softsign, swish, tanh
from ._activations import log_softmax, softmax
from ._dropout import dropout
from ._losses import sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits
from ._losses import sparse_softmax_cross_entropy_with_logits
from ._normalization import batch_normalization, fused_batch_norm, fused_batch_norm_relu, l2_normalize, moments
from ._convolution import avg_pool, avg_pool1d, avg_pool2d, max_pool, max_pool1d, max_pool2d
from ._convolution import conv1d, conv1d_bias_activation, conv2d, conv2d_bias_activation, conv2d_pool
from ._depthwise import depthwise_conv2d, depthwise_conv2d_backprop_filter, depthwise_conv2d_backprop_input, separable_conv2d
from ._depthwise import depthwise_conv2d_bias
from ._sampled_losses import compute_accidental_hits, nce_loss, sampled_softmax_loss
from .._tf_candidate_sampling import all_candidate_sampler, fixed_unigram_candidate_sampler, learned_unigram_candidate_sampler
from ._windows import dilation2d, erosion2d, max_pool_with_argmax
from ._normalization_more import batch_norm_with_global_normalization, isotonic_regression, local_response_normalization, lrn
from ._transpose import conv1d_transpose, conv2d_transpose, conv_transpose
from ._recurrent import gru, lstm, simple_rnn
from ._embedding import embedding_lookup
from ._layout import bias_add, crelu, depth_to_space, space_to_depth
from ._statistics import normalize_moments, sufficient_statistics, weighted_moments, zero_fraction
from ._elementwise_losses import compute_average_loss, l2_loss, log_poisson_loss, scale_regularization_loss
from ._elementwise_losses import weighted_cross_entropy_with_logits
from .._tf_reduce import in_top_k, top_k
from .._tf_math_ordering import approx_max_k, approx_min_k
from ._sparse_embedding import embedding_lookup_sparse, safe_embedding_lookup_sparse
from ._fractional_pool import fractional_avg_pool, fractional_max_pool
from . import experimental
from ._volumetric import avg_pool3d, conv3d, conv3d_transpose, max_pool3d
from ._ctc import (SparseTensorValue, collapse_repeated, ctc_beam_search_decoder, ctc_greedy_decoder, ctc_loss,
                   ctc_unique_labels)
from ._generic import atrous_conv2d, atrous_conv2d_transpose, convolution, pool, space_to_batch, with_space_to_batch

__all__ = ["avg_pool", "avg_pool1d", "avg_pool2d", "batch_normalization", "conv1d", "conv1d_bias_activation",
           "conv2d", "conv2d_bias_activation", "conv2d_pool", "depthwise_conv2d_bias",
           "fused_batch_norm_relu", "dropout", "elu", "embedding_lookup", "gelu", "gru",
           "l2_normalize", "leaky_relu", "log_softmax", "lstm", "max_pool", "max_pool1d", "max_pool2d", "moments",
           "relu", "relu6", "selu", "sigmoid", "sigmoid_cross_entropy_with_logits", "silu", "simple_rnn", "softmax",
           "softmax_cross_entropy_with_logits", "softplus", "softsign", "sparse_softmax_cross_entropy_with_logits",
           "swish", "tanh", "bias_add", "crelu", "depth_to_space", "space_to_depth", "normalize_moments",
           "sufficient_statistics", "weighted_moments", "zero_fraction", "compute_average_loss", "l2_loss",
           "log_poisson_loss", "scale_regularization_loss", "weighted_cross_entropy_with_logits", "in_top_k", "top_k",
           "depthwise_conv2d", "separable_conv2d", "fused_batch_norm", "conv1d_transpose", "conv2d_transpose",
           "conv_transpose", "avg_pool3d", "conv3d", "conv3d_transpose", "max_pool3d", "atrous_conv2d",
           "atrous_conv2d_transpose", "convolution", "pool", "space_to_batch", "with_space_to_batch", "SparseTensorValue",
           "collapse_repeated", "ctc_beam_search_decoder", "ctc_greedy_decoder", "ctc_loss", "ctc_unique_labels",
           "depthwise_conv2d_backprop_filter", "depthwise_conv2d_backprop_input", "dilation2d", "erosion2d",
           "max_pool_with_argmax", "batch_norm_with_global_normalization", "isotonic_regression",
           "local_response_normalization", "lrn", "compute_accidental_hits", "nce_loss", "sampled_softmax_loss",
           "all_candidate_sampler", "fixed_unigram_candidate_sampler", "learned_unigram_candidate_sampler",
           "approx_max_k", "approx_min_k", "embedding_lookup_sparse", "safe_embedding_lookup_sparse",
           "fractional_avg_pool", "fractional_max_pool", "experimental"]

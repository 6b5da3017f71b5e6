"""swiftdl.nn: TensorFlow's tf.nn functional ops, computed by the Swift engine."""
from ._activations import elu, gelu, leaky_relu, relu, relu6, selu, sigmoid, silu, softplus, softsign, swish, tanh
from ._activations import log_softmax, softmax
from ._dropout import dropout
from ._losses import sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits
from ._losses import sparse_softmax_cross_entropy_with_logits
from ._normalization import batch_normalization, l2_normalize, moments
from ._convolution import avg_pool, avg_pool1d, avg_pool2d, max_pool, max_pool1d, max_pool2d
from ._convolution import conv1d, conv1d_bias_activation, conv2d, conv2d_bias_activation, conv2d_pool
from ._recurrent import gru, lstm, simple_rnn
from ._embedding import embedding_lookup

__all__ = ["avg_pool", "avg_pool1d", "avg_pool2d", "batch_normalization", "conv1d", "conv1d_bias_activation",
           "conv2d", "conv2d_bias_activation", "conv2d_pool", "dropout", "elu", "embedding_lookup", "gelu", "gru",
           "l2_normalize", "leaky_relu", "log_softmax", "lstm", "max_pool", "max_pool1d", "max_pool2d", "moments",
           "relu", "relu6", "selu", "sigmoid", "sigmoid_cross_entropy_with_logits", "silu", "simple_rnn", "softmax",
           "softmax_cross_entropy_with_logits", "softplus", "softsign", "sparse_softmax_cross_entropy_with_logits",
           "swish", "tanh"]

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

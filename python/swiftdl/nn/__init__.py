"""swiftdl.nn: TensorFlow's tf.nn functional ops, computed by the swiftdl engine."""
from ._convolution import avg_pool, avg_pool1d, avg_pool2d, max_pool, max_pool1d, max_pool2d
from ._convolution import conv1d, conv1d_bias_activation, conv2d, conv2d_bias_activation

"""swiftdl.keras.layers: Keras 3's layer names and arguments, computed by the Swift engine."""
from .layer import Layer
from .input_layer import Input, InputLayer
from .keras_tensor import KerasTensor
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .convolutional import Conv1D, Conv2D
from .pooling import (AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D, GlobalAveragePooling1D,
                      GlobalAveragePooling2D, GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D,
                      GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D)
from .embedding import Embedding
from .recurrent import GRU, LSTM, SimpleRNN
from .normalization import BatchNormalization
from .merging import Add, Average, Concatenate, Multiply, Subtract
from .merging import Dot, Maximum, Minimum
from .reshaping import (Cropping1D, Cropping2D, Permute, RepeatVector, UpSampling1D, UpSampling2D, ZeroPadding1D,
                        ZeroPadding2D)
from .group_layer_normalization import GroupNormalization, LayerNormalization
from .noise import GaussianNoise, SpatialDropout1D, SpatialDropout2D
from .lambda_layer import Lambda
from .wrappers import Bidirectional, TimeDistributed
from .convolutional_extra import Conv2DTranspose, DepthwiseConv2D, SeparableConv2D
from .attention import Attention, MultiHeadAttention
from .text_vectorization import TextVectorization

"""swiftdl.keras.layers: Keras 3's layer names and arguments, computed by the Swift engine.

The layer modules load on first use of one of their names (PEP 562): a script that builds a
CNN does not pay for importing attention, text vectorization and the rest. `dir()` lists
every name, so the serialization registry still finds every class.
"""
from .layer import Layer
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .keras_tensor import KerasTensor

# Where each public name lives, by module.
_MODULES = {
    "core": ["Activation", "Dense", "Dropout", "Flatten", "Reshape"],
    "activation_layers": ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"],
    "convolutional": ["Conv1D", "Conv2D", "Convolution1D", "Convolution2D"],
    "pooling": ["AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D", "GlobalAveragePooling1D",
                "GlobalAveragePooling2D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D",
                "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling3D", "GlobalAvgPool3D",
                "GlobalMaxPool3D", "GlobalMaxPooling3D", "AveragePooling3D", "AvgPool3D", "MaxPool3D",
                "MaxPooling3D", "MaxPool1D", "MaxPool2D", "MaxPooling1D", "MaxPooling2D"],
    "embedding": ["Embedding"],
    "recurrent": ["GRU", "LSTM", "SimpleRNN"],
    "rnn": ["RNN", "StackedRNNCells"],
    "rnn_cells": ["GRUCell", "LSTMCell", "SimpleRNNCell"],
    "normalization": ["BatchNormalization"],
    "merging": ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract"],
    "layer_serialization": ["deserialize", "serialize"],
    "merging_functions": ["add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"],
    "reshaping": ["Cropping1D", "Cropping2D", "Permute", "RepeatVector", "UpSampling1D", "UpSampling2D", "ZeroPadding1D",
                  "ZeroPadding2D", "Cropping3D", "UpSampling3D", "ZeroPadding3D"],
    "per_sample_normalization": ["GroupNormalization", "LayerNormalization"],
    "noise": ["AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D", "SpatialDropout2D",
              "SpatialDropout3D"],
    "rescaling": ["Rescaling"],
    "pass_through": ["ActivityRegularization", "Identity"],
    "unit_normalization": ["UnitNormalization"],
    "lambda_layer": ["Lambda"],
    "masking": ["Masking"],
    "wrappers": ["Bidirectional", "TimeDistributed", "Wrapper"],
    "spectral_normalization": ["SpectralNormalization"],
    "depthwise_separable": ["DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
                            "SeparableConvolution1D", "SeparableConvolution2D"],
    "image_preprocessing": ["CenterCrop", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "Resizing"],
    "image_affine_augmentation": ["RandomRotation", "RandomTranslation", "RandomZoom"],
    "pipeline": ["Pipeline"],
    "rms_normalization": ["RMSNormalization"],
    "einsum_dense": ["EinsumDense"],
    "conv3d": ["Conv3D", "Convolution3D"],
    "adaptive_pooling": ["AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
                         "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"],
    "conv_transpose": ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "Convolution1DTranspose",
                       "Convolution2DTranspose", "Convolution3DTranspose"],
    "attention": ["AdditiveAttention", "Attention"],
    "multi_head_attention": ["MultiHeadAttention"],
    "grouped_query_attention": ["GroupQueryAttention"],
    "reversible_embedding": ["ReversibleEmbedding"],
    "conv_lstm": ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"],
    "image_color_augmentation": ["RandomColorDegeneration", "RandomColorJitter", "RandomGrayscale", "RandomHue",
                                 "RandomInvert", "RandomPosterization", "RandomSaturation", "RandomSharpness",
                                 "Solarization"],
    "image_mixing_augmentation": ["CutMix", "MixUp", "RandomErasing", "RandomGaussianBlur"],
    "audio_preprocessing": ["MelSpectrogram", "STFTSpectrogram"],
    "image_geometric_augmentation": ["RandomElasticTransform", "RandomPerspective", "RandomShear"],
    "image_policy_augmentation": ["AugMix", "RandAugment"],
    "image_histogram_equalization": ["AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "Equalization"],
    "image_bounding_boxes": ["MaxNumBoundingBoxes"],
    "text_vectorization": ["TextVectorization"],
    "category_encoding": ["CategoryEncoding"],
    "feature_normalization": ["Normalization"],
    "discretization": ["Discretization"],
    "string_lookup": ["StringLookup"],
    "integer_lookup": ["IntegerLookup"],
    "hashing": ["Hashing"],
    "hashed_crossing": ["HashedCrossing"],
}
_MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}

__all__ = ["Input", "InputLayer", "InputSpec", "KerasTensor", "Layer"] + sorted(_MODULE_OF)


def __getattr__(name):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(_MODULE_OF))

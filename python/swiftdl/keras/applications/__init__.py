"""swiftdl.keras.applications: Keras's pretrained-model families with Keras's architectures,
layer names and published ImageNet weights (downloaded through keras.utils.get_file into
~/.keras/models and loaded layer by layer): VGG16/19, ResNet50/101/152 and their V2s,
MobileNet, MobileNetV2, DenseNet121/169/201, InceptionV3, Xception. The submodules hold each family's
preprocess_input and decode_predictions."""
from . import densenet, imagenet_utils, inception_v3, mobilenet, mobilenet_v2, resnet, resnet50, resnet_v2, vgg16, vgg19, xception
from .densenet import DenseNet121, DenseNet169, DenseNet201
from .inception_v3 import InceptionV3
from .mobilenet import MobileNet
from .mobilenet_v2 import MobileNetV2
from .resnet import ResNet50, ResNet101, ResNet152
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from .vgg16 import VGG16
from .vgg19 import VGG19
from .xception import Xception

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "InceptionV3", "MobileNet", "MobileNetV2", "ResNet101", "ResNet101V2",
           "ResNet152", "ResNet152V2", "ResNet50", "ResNet50V2", "VGG16", "VGG19", "Xception", "densenet",
           "imagenet_utils", "inception_v3", "mobilenet", "mobilenet_v2", "resnet", "resnet50", "resnet_v2", "vgg16", "vgg19",
           "xception"]

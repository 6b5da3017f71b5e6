"""Deploys the document's CNN with ONNX Runtime: trains it briefly on swiftdl, exports it with
`model.export(path, format="onnx")`, then classifies the MNIST test images with onnxruntime only.

Needs `pip install onnx onnxruntime`."""
import os
import sys
import tempfile

import numpy as np

import swiftdl as tf
from swiftdl.keras import layers, models

shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "mnist")
(train_images, train_labels), (test_images, test_labels) = tf.keras.datasets.mnist.load_data(
    path=shared if os.path.isdir(shared) else "mnist.npz")
train_images = train_images.reshape((-1, 28, 28, 1)).astype("float32") / 255
test_images = test_images.reshape((-1, 28, 28, 1)).astype("float32") / 255
tf.keras.utils.set_random_seed(42)
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1

# The document's CNN.
model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.Flatten())
model.add(layers.Dense(64, activation='relu'))
model.add(layers.Dense(10, activation='softmax'))
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(train_images, train_labels, epochs=epochs, batch_size=64, verbose=2)

path = os.path.join(tempfile.mkdtemp(), "doc_cnn.onnx")
model.export(path, format="onnx", verbose=True)

import onnxruntime as ort  # noqa: E402 - only the deployment half needs it

session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
onnx_probs = session.run(None, {session.get_inputs()[0].name: test_images})[0]
swiftdl_probs = np.asarray(model.predict(test_images, verbose=0))
onnx_classes = onnx_probs.argmax(axis=1)
print(f"ONNX Runtime test accuracy: {np.mean(onnx_classes == test_labels):.4f} on {len(test_labels)} images")
print(f"agreement with model.predict: {np.mean(onnx_classes == swiftdl_probs.argmax(axis=1)):.4f} "
      f"(max |difference| {np.abs(onnx_probs - swiftdl_probs).max():.2e})")

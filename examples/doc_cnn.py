"""The source document's CNN, run on swiftdl: only the import lines differ from the
TensorFlow original, plus the data loading that the document leaves out."""
import os

import swiftdl as tf
from swiftdl.keras import layers, models

# ---- data loading (not in the document) -----------------------------------------------
# MNIST through Keras's loader; it finds the project's shared copy (the 10,000 test images,
# split 8,000 train / 2,000 test) before trying to download anything.
shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "mnist")
(train_images, train_labels), (test_images, test_labels) = tf.keras.datasets.mnist.load_data(
    path=shared if os.path.isdir(shared) else "mnist.npz")
train_images = train_images.reshape((-1, 28, 28, 1)).astype("float32") / 255
test_images = test_images.reshape((-1, 28, 28, 1)).astype("float32") / 255
tf.keras.utils.set_random_seed(42)
# ---- the document's code, unchanged ---------------------------------------------------

# 构建CNN模型
model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.Flatten())
model.add(layers.Dense(64, activation='relu'))
model.add(layers.Dense(10, activation='softmax'))

# 编译模型
model.compile(optimizer='adam',
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])

# 训练模型
model.fit(train_images, train_labels, epochs=5, batch_size=64)

# 评估模型
test_loss, test_acc = model.evaluate(test_images, test_labels)
print('Test accuracy:', test_acc)

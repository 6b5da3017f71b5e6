"""The document's Embedding + LSTM classifier trained end to end on raw sentences: a
TextVectorization layer inside the model turns text into padded word ids, so fit, evaluate
and predict take strings."""
import os
import sys

import numpy as np

import swiftdl as tf
from swiftdl.keras import layers
from swiftdl.keras.models import Sequential

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sentiment_data import read_sentences  # noqa: E402

sentences, labels = read_sentences()
order = np.random.default_rng(0).permutation(len(sentences))
split = int(0.8 * len(sentences))
train, test = order[:split], order[split:]
train_text, test_text = np.array(sentences)[train], np.array(sentences)[test]

tf.keras.utils.set_random_seed(1)
vectorize = layers.TextVectorization(max_tokens=10000, output_sequence_length=200)
vectorize.adapt(train_text)  # the vocabulary comes from the training sentences only

model = Sequential()
model.add(vectorize)
# TextVectorization pads at the end (as Keras does), so the embedding masks the padding;
# otherwise the LSTM's last state comes after ~190 padding steps and forgets the words.
model.add(layers.Embedding(10000, 64, mask_zero=True))
model.add(layers.LSTM(64))
model.add(layers.Dense(64, activation='relu'))
model.add(layers.Dense(10, activation='softmax'))
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(train_text, labels[train], epochs=5, batch_size=64)
test_loss, test_acc = model.evaluate(test_text, labels[test])
print('Test accuracy:', test_acc)
print(model.predict(np.array(["The food was wonderful and the staff were kind.",
                              "Terrible service, I will never come back."]), verbose=0).argmax(axis=1))

"""The source document's Embedding + LSTM classifier, run on swiftdl: only the import lines
differ from the TensorFlow original, plus the data loading the document leaves out."""
import os
import sys

import swiftdl as tf
from swiftdl.keras.models import Sequential
from swiftdl.keras.layers import Embedding, LSTM, Dense

# ---- data loading (not in the document) -----------------------------------------------
# The UCI sentiment sentences: tokenized, the 10,000 most frequent words kept, padded to 200.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sentiment_data import load_data  # noqa: E402

(train_data, train_labels), (test_data, test_labels) = load_data(num_words=10000, maxlen=200)
tf.keras.utils.set_random_seed(1)
# ---- the document's code, unchanged ---------------------------------------------------

# 构建RNN模型
model = Sequential()
model.add(Embedding(10000, 64))
model.add(LSTM(64))
model.add(Dense(64, activation='relu'))
model.add(Dense(10, activation='softmax'))

# 编译模型
model.compile(optimizer='adam',
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])

# 训练模型
model.fit(train_data, train_labels, epochs=5, batch_size=64)

# 评估模型
test_loss, test_acc = model.evaluate(test_data, test_labels)
print('Test accuracy:', test_acc)

"""Keras operations on symbolic tensors: `x + y` or `keras.ops.mean(x, axis=1)` on the
KerasTensors of a functional model add graph nodes, saved and loaded as Keras saves them."""

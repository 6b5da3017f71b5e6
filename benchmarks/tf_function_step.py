"""A custom training step with and without @tf.function, in one process (issue 13: the
decorated step must be no slower). swiftdl's tf.function runs the step eagerly, so the
decorator's cost is its own call overhead; this measures it on keras.io's training-loop
model (an MLP on MNIST-size inputs) and on the document's CNN, batch 64.

    .venv/bin/python benchmarks/tf_function_step.py [--steps 300]

Prints median milliseconds per step for both and their ratio. A benchmark, never a test.
"""
import argparse
import statistics
import time

import numpy as np

import swiftdl as tf
from swiftdl import keras


def mlp():
    inputs = keras.Input((784,))
    x = keras.layers.Dense(64, activation="relu")(inputs)
    x = keras.layers.Dense(64, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(10)(x)), (784,)


def document_cnn():
    layers = keras.layers
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
                             layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
                             layers.Conv2D(64, 3, activation="relu"), layers.Flatten(),
                             layers.Dense(64, activation="relu"), layers.Dense(10)]), (28, 28, 1)


def step_times(model, shape, steps):
    """Median ms per step of the plain and the decorated step, taking turns step by step
    (the order alternating too), so the shared machine's slow phases fall on both."""
    optimizer = keras.optimizers.Adam()
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    rng = np.random.default_rng(0)
    x = tf.constant(rng.random((64, *shape), dtype=np.float32))
    y = tf.constant(rng.integers(0, 10, 64))

    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        return loss_value

    steps_by_kind = {"plain": train_step, "decorated": tf.function(train_step)}
    times = {"plain": [], "decorated": []}
    for _ in range(5):
        train_step(x, y)
    for index in range(steps):
        order = ("plain", "decorated") if index % 2 == 0 else ("decorated", "plain")
        for kind in order:
            start = time.perf_counter()
            steps_by_kind[kind](x, y)
            times[kind].append(time.perf_counter() - start)
    return statistics.median(times["plain"]) * 1e3, statistics.median(times["decorated"]) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    print(f"{'':14}{'plain (ms)':>12}{'@tf.function (ms)':>19}{'ratio':>8}")
    for name, build in (("mlp", mlp), ("document_cnn", document_cnn)):
        model, shape = build()
        plain, decorated = step_times(model, shape, args.steps)
        print(f"{name:14}{plain:>12.3f}{decorated:>19.3f}{decorated / plain:>7.2f}×")


if __name__ == "__main__":
    main()

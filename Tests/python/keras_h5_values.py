"""The weight values written into the application `.h5` files of
fixtures/keras_applications_h5/, by the fixture generator (real Keras) and by the test
(swiftdl) alike: numpy integer arithmetic only, so both sides compute the same bits."""
import numpy as np


def _uniform(index, size):
    """`size` pseudo-random numbers in [0, 1) from a 64-bit integer hash of (index, position):
    exact on every platform and numpy version, unlike a float formula or a random stream."""
    with np.errstate(over="ignore"):
        state = np.arange(size, dtype=np.uint64) * np.uint64(6364136223846793005) + np.uint64(
            (index * 1442695040888963407 + 1) % 2**64)
        state ^= state >> np.uint64(33)
        state *= np.uint64(0xFF51AFD7ED558CCD)
        state ^= state >> np.uint64(29)
    return (state >> np.uint64(40)).astype(np.float64) / 2.0**24


def h5_values(index, path, shape, dtype):
    """Values for the `index`-th dataset (at `path`) of a weights file, like a freshly trained
    network's: kernels He-uniform (so activations keep their scale through a deep model and
    the output still depends on the input), batch-norm statistics near (0, 1), small offsets,
    and whole counts for integer datasets."""
    shape = tuple(shape)
    size = int(np.prod(shape)) if shape else 1
    centred = _uniform(index, size) - 0.5
    if np.dtype(dtype).kind in "iu":
        return np.full(shape, 1 + index % 5, dtype=dtype)
    leaf = path.rsplit("/", 1)[-1]
    if "variance" in leaf:
        values = 1.0 + 0.2 * centred
    elif "gamma" in leaf or "scale" in leaf:
        values = 1.0 + 0.2 * centred
    elif len(shape) <= 1:
        values = 0.02 * centred  # biases, offsets, means
    else:
        # Depthwise kernels (kh, kw, channels, 1) sum over their window only.
        fan_in = np.prod(shape[:2]) if len(shape) == 4 and shape[-1] == 1 else np.prod(shape[:-1])
        values = centred * 2.0 * np.sqrt(6.0 / fan_in)
    return values.reshape(shape).astype(dtype)


def h5_input(seed, shape):
    """Two images in [0, 255): a different smooth pattern for each (noise alone would average
    away in the models' global pooling, leaving both images the same output) plus noise."""
    batch, rows, cols, channels = shape
    b, h, w, c = np.meshgrid(np.arange(batch), np.arange(rows), np.arange(cols), np.arange(channels), indexing="ij")
    pattern = 0.5 + 0.5 * np.sin(h * 0.21 * (b + 1) + w * 0.13 * (2 - b) + c * 1.7 + b)
    noise = _uniform(seed, int(np.prod(shape))).reshape(shape)
    return (255 * (0.8 * pattern + 0.2 * noise)).astype("float32")

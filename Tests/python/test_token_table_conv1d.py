"""Embedding → (Dropout →) Conv1D at inference from a table of each token's taps
(`_C.token_table_conv1d`, keras/models/token_convolution.py).

The reference is the layers' own path: the embedding gather and the convolution's GEMMs.
The table sums the same products in another order (each tap's C products first, then the
taps), so values agree to float rounding: 1e-5 relative for float32, 1e-12 for float64."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras
from swiftdl.keras import layers
from swiftdl.keras.models import token_convolution

RNG = np.random.default_rng(11)
TOLERANCE = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}


def _unfused(ids, embeddings, kernel, bias, relu, stride, dilation, pads):
    x = embeddings[ids]
    x = np.pad(x, ((0, 0), pads, (0, 0)))
    taps = kernel.shape[0]
    width = (x.shape[1] - dilation * (taps - 1) - 1) // stride + 1
    y = np.zeros((ids.shape[0], width, kernel.shape[2]))
    for t in range(width):
        for k in range(taps):
            y[:, t] += x[:, stride * t + dilation * k] @ kernel[k]
    y = y + (0 if bias is None else bias)
    return np.maximum(y, 0) if relu else y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stride, dilation, pads", [(3, 1, (0, 0)), (1, 1, (2, 2)), (2, 2, (4, 0)), (4, 1, (1, 3))])
@pytest.mark.parametrize("relu, with_bias", [(True, True), (False, False)])
def test_op_matches_the_gather_and_convolution(dtype, stride, dilation, pads, relu, with_bias):
    vocabulary, channels, taps, filters = 23, 5, 7, 16  # 16 filters: the float32 registers path
    embeddings = RNG.normal(size=(vocabulary, channels)).astype(dtype)
    kernel = RNG.normal(size=(taps, channels, filters)).astype(dtype)
    bias = RNG.normal(size=filters).astype(dtype) if with_bias else None
    ids = RNG.integers(0, vocabulary, (3, 40)).astype(np.int32)
    table = np.einsum("vc,kco->vko", embeddings, kernel)
    y = _C.token_table_conv1d(sd.asarray(ids), sd.asarray(table), None if bias is None else sd.asarray(bias), relu,
                              stride, dilation, *pads)
    assert y.dtype == dtype
    np.testing.assert_allclose(np.asarray(y), _unfused(ids, embeddings, kernel, bias, relu, stride, dilation, pads),
                               **TOLERANCE[dtype])


def test_op_keeps_nan_through_relu_and_handles_odd_widths():
    table = np.zeros((3, 2, 5), np.float32)
    table[1, 0, 2] = np.nan
    table[2] = -1.0
    y = np.asarray(_C.token_table_conv1d(sd.asarray(np.array([[1, 2, 0]])), sd.asarray(table), None, True, 1, 1, 0, 0))
    assert y.shape == (1, 2, 5)
    assert np.isnan(y[0, 0, 2]) and np.count_nonzero(np.isnan(y)) == 1
    assert (y[0, 1] == 0).all()


def test_op_refuses_bad_input_with_clear_errors():
    table = sd.asarray(np.zeros((4, 3, 2), np.float32))
    ids = sd.asarray(np.array([[0, 1, 2, 3, 1]]))
    with pytest.raises(IndexError, match=r"id 4 is out of range \[0, 4\)"):
        _C.token_table_conv1d(sd.asarray(np.array([[0, 4, 1]])), table, None, False, 1, 1, 0, 0)
    with pytest.raises(IndexError, match=r"id -1"):
        _C.token_table_conv1d(sd.asarray(np.array([[0, -1, 1]])), table, None, False, 1, 1, 0, 0)
    with pytest.raises(ValueError, match="shorter than the window"):
        _C.token_table_conv1d(sd.asarray(np.array([[0, 1]])), table, None, False, 1, 1, 0, 0)
    with pytest.raises(TypeError, match="ids must be integers"):
        _C.token_table_conv1d(sd.asarray(np.zeros((1, 5), np.float32)), table, None, False, 1, 1, 0, 0)
    with pytest.raises(ValueError, match="bias must be"):
        _C.token_table_conv1d(ids, table, sd.asarray(np.zeros(3, np.float32)), False, 1, 1, 0, 0)
    with pytest.raises(ValueError, match="stride and dilation"):
        _C.token_table_conv1d(ids, table, None, False, 0, 1, 0, 0)
    with pytest.raises(ValueError, match="does not fit in 64 bits"):
        _C.token_table_conv1d(ids, table, None, False, 1, 1, 2 ** 62, 2 ** 62)
    empty = _C.token_table_conv1d(ids, sd.asarray(np.zeros((4, 3, 0), np.float32)), None, False, 1, 1, 2 ** 31, 0)
    assert empty.shape == (1, 2 ** 31 + 3, 0)
    with pytest.raises(ValueError, match="ids must be"):
        _C.token_table_conv1d(sd.asarray(np.zeros(5, np.int64)), table, None, False, 1, 1, 0, 0)
    weights = sd.Variable(np.zeros((4, 3, 2), np.float32))
    with sd.GradientTape(), pytest.raises(ValueError, match="no gradient"):
        _C.token_table_conv1d(ids, weights, None, False, 1, 1, 0, 0)


def _text_cnn(functional, padding="valid", activation="relu", strides=3, dilation=1, dtype="float32", length=40):
    stack = [layers.Embedding(50, 8, dtype=dtype), layers.Dropout(0.5),
             layers.Conv1D(16, 5, strides=strides, dilation_rate=dilation, padding=padding, activation=activation,
                           dtype=dtype),
             layers.Conv1D(16, 3, activation="relu", dtype=dtype), layers.GlobalMaxPooling1D(),
             layers.Dense(1, activation="sigmoid", dtype=dtype)]
    if not functional:
        return keras.Sequential([keras.Input((length,), dtype="int64")] + stack)
    inputs = keras.Input((length,), dtype="int64")
    x = inputs
    for layer in stack:
        x = layer(x)
    return keras.Model(inputs, x)


def _reference(model, ids):
    """The layers called one by one (each layer's own path)."""
    x = sd.asarray(ids)
    for layer in model.layers:
        x = layer(x, training=False) if layer._call_accepts("training") else layer(x)
    return np.asarray(x)


def _token_table(model):
    """The table of the model's Embedding → Conv1D pair (normal path and plans share it)."""
    return token_convolution.table_of(model.layers[0 if isinstance(model, keras.Sequential) else 1],
                                      model.layers[2 if isinstance(model, keras.Sequential) else 3])


def _token_step(model):
    steps = [s[0] if isinstance(s, tuple) else s for s in model._inference_plan.steps]
    found = [s for s in steps if isinstance(getattr(s, "table", None), token_convolution.TokenTable)]
    assert len(found) == 1 and found[0].table is _token_table(model)
    return found[0].table


@pytest.mark.parametrize("functional", [True, False])
@pytest.mark.parametrize("padding, activation, strides, dilation", [
    ("valid", "relu", 3, 1), ("same", "linear", 2, 1), ("causal", "tanh", 1, 2), ("same", "relu", 1, 3)])
def test_plan_matches_the_layers_own_calls(functional, padding, activation, strides, dilation):
    model = _text_cnn(functional, padding, activation, strides, dilation)
    ids = RNG.integers(0, 50, (16, 40))
    normal = np.asarray(model(ids))  # the normal path, which builds the table
    assert _token_table(model).table is not None
    planned = np.asarray(model(ids))
    assert _token_step(model).table is not None
    np.testing.assert_allclose(planned, _reference(model, ids), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(normal, planned, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(model.predict(ids, batch_size=16, verbose=0), planned, rtol=1e-5, atol=1e-6)


def test_plan_in_float64():
    model = _text_cnn(True, dtype="float64")
    ids = RNG.integers(0, 50, (16, 40))
    model(ids)
    planned = np.asarray(model(ids))
    assert planned.dtype == np.float64 and _token_step(model).table is not None
    np.testing.assert_allclose(planned, _reference(model, ids), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("threads", [1, 2])
def test_plan_on_one_and_two_threads(threads):
    model = _text_cnn(True)
    ids = RNG.integers(0, 50, (64, 40))
    before = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        model(ids)
        np.testing.assert_allclose(np.asarray(model(ids)), _reference(model, ids), rtol=1e-5, atol=1e-6)
    finally:
        sd.config.set_num_threads(before)


def test_small_calls_keep_the_layers_own_path():
    model = _text_cnn(True)
    one = RNG.integers(0, 50, (1, 40))
    model(one)
    np.testing.assert_array_equal(np.asarray(model(one)), _reference(model, one))
    assert _token_step(model).table is None
    # Calls this small neither build the table nor count towards building it.
    assert _token_table(model).pending == 0



def _wide_text_cnn():
    """A text CNN wide enough that one sample's first convolution (132 outputs of 7 taps ×
    32 channels × 128 filters) outweighs 64 times the weights its table check reads."""
    inputs = keras.Input((400,), dtype="int64")
    x = layers.Conv1D(128, 7, strides=3, activation="relu")(layers.Dropout(0.5)(layers.Embedding(2000, 32)(inputs)))
    x = layers.Dense(1, activation="sigmoid")(layers.GlobalMaxPooling1D()(x))
    return keras.Model(inputs, x)


def _count_table_calls(monkeypatch):
    calls = []
    original = token_convolution._C.token_table_conv1d

    def counted(*arguments):
        calls.append(arguments[0].shape)
        return original(*arguments)
    monkeypatch.setattr(token_convolution._C, "token_table_conv1d", counted)
    return calls


def test_one_sample_uses_a_built_table_and_sees_changes_to_the_rows_it_reads(monkeypatch):
    """Once a table exists, one sample uses it: the freshness check compares the kernel and
    the embedding rows of the sample's tokens only, so a change to one of those rows is seen
    (and drops the table), a change to a row no call reads keeps it."""
    model = _wide_text_cnn()
    batch = RNG.integers(0, 2000, (64, 400))
    model(batch)  # builds the table
    calls = _count_table_calls(monkeypatch)
    one = batch[:1].copy()
    np.testing.assert_allclose(np.asarray(model(one)), _reference(model, one), rtol=1e-5, atol=1e-6)
    assert calls == [(1, 400)]
    embeddings = np.asarray(model.layers[1].embeddings)  # a view of the engine's values
    unread = sorted(set(range(2000)) - set(one[0].tolist()))[0]
    embeddings[unread] += 1.0
    np.testing.assert_allclose(np.asarray(model(one)), _reference(model, one), rtol=1e-5, atol=1e-6)
    assert len(calls) == 2 and _token_table(model).table is not None
    embeddings[one[0, 5]] += 1.0
    np.testing.assert_allclose(np.asarray(model(one)), _reference(model, one), rtol=1e-5, atol=1e-6)
    assert len(calls) == 2 and _token_table(model).table is None
    model.layers[1].embeddings.assign(embeddings - 1.0)
    model(batch)  # rebuilt from the new weights
    np.testing.assert_allclose(np.asarray(model(one)), _reference(model, one), rtol=1e-5, atol=1e-6)
    assert len(calls) == 4
    model.layers[3].kernel.assign(np.asarray(model.layers[3].kernel) * 2)
    np.testing.assert_allclose(np.asarray(model(one)), _reference(model, one), rtol=1e-5, atol=1e-6)
    assert len(calls) == 4


def test_one_sample_with_a_bad_id_gives_the_embeddings_error():
    model = _wide_text_cnn()
    model(RNG.integers(0, 2000, (64, 400)))
    bad = RNG.integers(0, 2000, (1, 400))
    bad[0, 9] = 2000
    with pytest.raises(ValueError, match=r"id 2000 is out of range \[0, 2000\)"):
        model(bad)
    bad[0, 9] = -1
    with pytest.raises(ValueError, match="id -1 is out of range"):
        model(bad)
    assert _token_table(model).table is not None


def test_tables_over_the_size_limit_are_never_built(monkeypatch):
    """A table costs V·K·O values for the model's life: past TABLE_BYTES_LIMIT the layers'
    own calls run instead."""
    model = _text_cnn(True)
    ids = RNG.integers(0, 50, (16, 40))
    monkeypatch.setattr(token_convolution, "TABLE_BYTES_LIMIT", 50 * 5 * 16 * 4 - 1)
    model(ids)
    np.testing.assert_array_equal(np.asarray(model(ids)), _reference(model, ids))
    assert _token_table(model).table is None
    monkeypatch.setattr(token_convolution, "TABLE_BYTES_LIMIT", 50 * 5 * 16 * 4)
    model(ids)
    assert _token_table(model).table is not None

def test_changed_weights_are_seen():
    model = _text_cnn(True)
    ids = RNG.integers(0, 50, (16, 40))
    model(ids)
    model(ids)
    step = _token_step(model)
    embedding, conv = model.layers[1], model.layers[3]
    # set_weights, assign, a write through a numpy view and training all change the output.
    embedding.set_weights([RNG.normal(size=(50, 8)).astype("float32")])
    np.testing.assert_allclose(np.asarray(model(ids)), _reference(model, ids), rtol=1e-5, atol=1e-6)
    conv.kernel.assign(RNG.normal(size=(5, 8, 16)).astype("float32"))
    np.testing.assert_allclose(np.asarray(model(ids)), _reference(model, ids), rtol=1e-5, atol=1e-6)
    np.asarray(embedding.embeddings)[ids[0, 0]] += 1.0
    np.testing.assert_allclose(np.asarray(model(ids)), _reference(model, ids), rtol=1e-5, atol=1e-6)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(ids, RNG.integers(0, 2, 16).astype("float32"), epochs=1, verbose=0)
    np.testing.assert_allclose(np.asarray(model(ids)), _reference(model, ids), rtol=1e-5, atol=1e-6)
    assert step.table is not None


def test_bad_ids_give_the_embeddings_error():
    model = _text_cnn(True)
    ids = RNG.integers(0, 50, (16, 40))
    model(ids)
    model(ids)
    bad = ids.copy()
    bad[3, 7] = 50
    with pytest.raises(ValueError, match=r"id 50 is out of range \[0, 50\)"):
        model(bad)
    bad[3, 7] = -2
    with pytest.raises(ValueError, match="id -2 is out of range"):
        model(bad)
    np.testing.assert_allclose(np.asarray(model(ids)), _reference(model, ids), rtol=1e-5, atol=1e-6)


def test_rows_shorter_than_the_window_follow_the_layers():
    model = _text_cnn(True, length=None)
    short = RNG.integers(0, 50, (16, 4))
    with pytest.raises(Exception) as normal:
        _reference(model, short)
    model(RNG.integers(0, 50, (16, 40)))
    with pytest.raises(type(normal.value)):
        model(short)


def test_a_tape_gets_the_embeddings_gradient():
    model = _text_cnn(True)
    ids = RNG.integers(0, 50, (16, 40))
    model(ids)
    model(ids)
    with sd.GradientTape() as tape:
        loss = sd.sum(model(ids))
    gradient = tape.gradient(loss, model.layers[1].embeddings)
    with sd.GradientTape() as tape:
        x = sd.asarray(ids)
        for layer in model.layers[1:]:
            x = layer(x)
        reference = sd.sum(x)
    expected = tape.gradient(reference, model.layers[1].embeddings)
    np.testing.assert_allclose(np.asarray(gradient), np.asarray(expected), rtol=1e-5, atol=1e-7)


def test_lora_takes_the_layers_own_path():
    model = _text_cnn(True)
    ids = RNG.integers(0, 50, (16, 40))
    model(ids)
    model(ids)
    model.layers[3].enable_lora(2)
    model.layers[3].lora_kernel_b.assign(RNG.normal(size=model.layers[3].lora_kernel_b.shape).astype("float32"))
    np.testing.assert_allclose(np.asarray(model(ids)), _reference(model, ids), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("functional", [True, False])
def test_training_calls_take_the_layers_own_path(functional):
    model = _text_cnn(functional)
    ids = RNG.integers(0, 50, (16, 40))
    keras.utils.set_random_seed(5)
    trained = np.asarray(model(ids, training=True))  # dropout active: differs from inference
    assert _token_table(model).table is None
    assert not np.allclose(trained, _reference(model, ids))


def test_threads_share_a_model():
    import threading
    model = _text_cnn(True)
    ids = [RNG.integers(0, 50, (16, 40)) for _ in range(4)]
    expected = [_reference(model, i) for i in ids]
    errors = []

    def work(k):
        try:
            for _ in range(5):
                np.testing.assert_allclose(np.asarray(model(ids[k])), expected[k], rtol=1e-5, atol=1e-6)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def test_tables_go_with_their_layers():
    import gc
    import weakref
    model = _text_cnn(True)
    ids = RNG.integers(0, 50, (16, 40))
    model(ids)
    table = weakref.ref(_token_table(model))
    assert table().table is not None
    del model
    gc.collect()
    assert table() is None

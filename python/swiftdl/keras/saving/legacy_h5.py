"""Weights in Keras 2's HDF5 layout (`model.load_weights("x.h5")`): the layout of Keras's
published application weights and of Keras 2 checkpoints. The root (or its `model_weights`
group, in a whole-model file) lists `layer_names`; each layer's group lists its
`weight_names`. Matched to the model's layers that have weights, in order (or by layer name
with `by_name=True`), each layer's trainable weights then its non-trainable ones, as Keras
matches them. Everything is read and checked before anything is assigned."""
import numpy as np


def _names(attribute):
    return [name.decode("utf8") if isinstance(name, bytes) else str(name) for name in attribute]


def _saved_layers(handle):
    group = handle["model_weights"] if "model_weights" in handle and "layer_names" not in handle.attrs else handle
    if "layer_names" not in group.attrs:
        raise ValueError("This HDF5 file holds no Keras weights (no `layer_names` attribute); expected a file written "
                         "by Keras's save_weights in the .h5 format")
    saved = []
    for name in _names(group.attrs["layer_names"]):
        layer_group = group[name]
        values = [np.asarray(layer_group[weight]) for weight in _names(layer_group.attrs.get("weight_names", []))]
        saved.append((name, values))
    return saved


def _legacy_weights(layer):
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def plan(handle, model, by_name=False, skip_mismatch=False):
    """(variable, value) pairs to assign."""
    saved = _saved_layers(handle)
    layers = [layer for layer in model.layers if _legacy_weights(layer)]
    if by_name:
        by_layer = {layer.name: layer for layer in layers}
        pairs = [(by_layer[name], values) for name, values in saved if name in by_layer and values]
    else:
        saved = [(name, values) for name, values in saved if values]
        if len(saved) != len(layers):
            raise ValueError(f"Layer count mismatch when loading weights from file. Model expected {len(layers)} layers, "
                             f"found {len(saved)} saved layers.")
        pairs = [(layer, values) for layer, (_, values) in zip(layers, saved)]
    updates = []
    for layer, values in pairs:
        variables = _legacy_weights(layer)
        if len(variables) != len(values):
            if skip_mismatch:
                continue
            raise ValueError(f"Layer '{layer.name}' expected {len(variables)} weights, but the saved weights have "
                             f"{len(values)} elements.")
        for variable, value in zip(variables, values):
            if tuple(variable.shape) != value.shape:
                if skip_mismatch:
                    break
                raise ValueError(f"Shape mismatch in layer '{layer.name}' for weight {variable.name}: weight expects "
                                 f"shape {tuple(variable.shape)}, received saved weight with shape {value.shape}")
            updates.append((variable, value))
    return updates

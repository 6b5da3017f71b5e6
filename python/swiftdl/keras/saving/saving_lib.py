"""Keras 3's `.keras` model files: a zip holding `metadata.json`, `config.json` (the model's
class_name, config, build_config and compile_config) and `model.weights.h5`.

Files written here load in Keras 3 and Keras's files load here, for the layers swiftdl
has. Nothing is unpickled: configs are JSON, weights are HDF5 datasets of numbers.
"""
import datetime
import io
import json
import os
import sys
import warnings

from . import h5_store
from .serialization import from_keras_config, serialize_model

_CONFIG = "config.json"
_METADATA = "metadata.json"
_WEIGHTS = "model.weights.h5"
# The Keras release whose format these files follow (and which the fixtures were made with).
KERAS_FORMAT_VERSION = "3.15.1"
# A config larger than this is not a model description; a member that inflates by more
# than _MAX_EXPANSION over its stored size beyond _BOMB_FLOOR is a decompression bomb.
_MAX_CONFIG_BYTES = 64 << 20
_BOMB_FLOOR = 1 << 30
_MAX_EXPANSION = 100


def save_model(model, filepath, overwrite=True, zipped=None, encryption_key=None, signing_key=None, **kwargs):
    """Saves `model` as a Keras 3 `.keras` archive.

    Args:
        model: a built swiftdl.keras Model.
        filepath: path ending in `.keras` (or a writable binary file object).
        overwrite: whether to replace an existing file.
        encryption_key: 32 bytes or a `protect.Passphrase`: write the archive encrypted
            with AES-256-GCM (see `swiftdl.keras.saving.protect`).
        signing_key: an Ed25519 private key (or its 32 bytes) to sign the encrypted file.

    Raises:
        ValueError: for another extension or an unsupported option.
    """
    if zipped is False:
        raise ValueError("swiftdl saves `.keras` files zipped only (zipped=True)")
    if kwargs.pop("save_format", None) not in (None, "keras"):
        raise ValueError("The `save_format` argument is deprecated in Keras 3; use a `.keras` filepath")
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    if isinstance(filepath, (str, os.PathLike)):
        filepath = os.fspath(filepath)
        if filepath.endswith(".h5") or filepath.endswith(".hdf5"):
            raise ValueError("swiftdl does not write the legacy HDF5 model format; use a `.keras` filepath "
                             f"(or `save_weights` with `.weights.h5`). Received: filepath={filepath}")
        if not filepath.endswith(".keras"):
            raise ValueError("Invalid filepath extension for saving. Please add the `.keras` extension, e.g. "
                             f"`model.save('model.keras')`. Received: filepath={filepath}")
        if os.path.exists(filepath) and not overwrite:
            raise FileExistsError(f"{filepath} exists and overwrite=False")
    if encryption_key is None and signing_key is not None:
        raise ValueError("signing_key signs encrypted files; pass encryption_key too")
    if encryption_key is not None:
        from . import protect
        plain = io.BytesIO()
        save_model(model, plain, zipped=zipped, **kwargs)
        data = protect.encrypt(plain.getvalue(), encryption_key, signing_key)
        if not isinstance(filepath, str):
            filepath.write(data)
            return
        with open(filepath + ".tmp", "wb") as handle:
            handle.write(data)
        os.replace(filepath + ".tmp", filepath)
        return
    config = json.dumps(serialize_model(model))
    metadata = json.dumps({"keras_version": KERAS_FORMAT_VERSION, "date_saved":
                           datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"), "saved_by": "swiftdl"})
    h5py = h5_store.h5py_module()
    weights = io.BytesIO()
    with h5py.File(weights, "w") as handle:
        h5_store.write(handle, model, include_optimizer=getattr(model, "optimizer", None) is not None)
    # Write to a temporary name first so a failure never leaves a truncated model behind.
    target = filepath if not isinstance(filepath, str) else filepath + ".tmp"
    import zipfile  # here, not at the top: it pulls in pathlib, shutil and urllib (~8 ms of every import)
    from . import assets
    asset_files = assets.collect(model)
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(_METADATA, metadata)
        archive.writestr(_CONFIG, config)
        archive.writestr(_WEIGHTS, weights.getvalue())
        for name, data in asset_files.items():  # e.g. a lookup layer's vocabulary.txt, as Keras writes it
            archive.writestr(name, data)
    if isinstance(filepath, str):
        os.replace(target, filepath)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True, key=None, verify_key=None):
    """Loads a `.keras` model saved by Keras 3 or swiftdl.

    Args:
        filepath: path to the `.keras` file (or a readable binary file object).
        custom_objects: {name: class or function} for your own layers, losses, ...
        compile: whether to compile the model with the saved optimizer, loss and metrics,
            and restore the optimizer's state so training resumes where it stopped.
        safe_mode: kept for Keras compatibility; swiftdl never runs code from a file
            (a `Lambda` layer's function must be passed through `custom_objects`).
        key: for an encrypted file: 32 bytes or a `protect.Passphrase` (None reads the
            `SWIFTDL_MODEL_KEY` environment variable). A plaintext file given a key or a
            verify_key is refused, so a swapped-in unprotected file is never loaded.
        verify_key: an Ed25519 public key (or its 32 bytes or PEM); the signature is
            checked before anything is decrypted.

    Raises:
        ValueError: when the file is not a `.keras` archive, an encrypted file fails to
            verify or decrypt, its config is malformed,
            a class is unknown, or its weights do not fit the model.
    """
    from .object_registration import merged_custom_objects
    custom_objects = merged_custom_objects(custom_objects)  # registered classes and open custom_object_scopes
    source = os.fspath(filepath) if isinstance(filepath, (str, os.PathLike)) else "the given file"
    if isinstance(filepath, str):
        if filepath.endswith((".h5", ".hdf5")) and not filepath.endswith(".weights.h5"):
            raise ValueError(f"swiftdl reads Keras 3 `.keras` files only, not the legacy HDF5 format. "
                             f"Received: filepath={filepath}")
        if not os.path.exists(filepath):
            raise ValueError(f"File not found: filepath={filepath}. Please ensure the file is an accessible "
                             "`.keras` zip file.")
    filepath = _decrypt_if_protected(filepath, source, key, verify_key)
    import zipfile
    try:
        archive = zipfile.ZipFile(filepath, "r")
    except _archive_errors() as error:
        raise ValueError(f"{source} is not a valid `.keras` file (a zip archive); {error}") from None
    with archive:
        names = set(archive.namelist())
        for required in (_CONFIG, _WEIGHTS):
            if required not in names:
                raise ValueError(f"{source} is not a valid `.keras` file: it has no '{required}' "
                                 f"(found {sorted(names)})")
        config_bytes = _read_member(archive, _CONFIG, source, _MAX_CONFIG_BYTES)
        try:
            config = json.loads(config_bytes.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"{source}: config.json is not valid JSON ({error})") from None
        if not isinstance(config, dict) or "class_name" not in config or not isinstance(config.get("config"), dict):
            raise ValueError(f"{source}: config.json must be an object with 'class_name' and 'config'; "
                             f"received {str(config)[:200]}")
        weights_bytes = _read_member(archive, _WEIGHTS, source, None)
        asset_bytes = {name: _read_member(archive, name, source, _MAX_CONFIG_BYTES)
                       for name in names if name.startswith("assets/") and not name.endswith("/")}

    try:
        model = from_keras_config(config, custom_objects=custom_objects)
    except KeyError as error:  # a config missing an entry Keras always writes
        raise ValueError(f"{source}: config.json lacks the entry {error} that a Keras model needs") from None
    if compile and config.get("compile_config"):
        _compile_from_config(model, config["compile_config"], custom_objects, source)
    h5py = h5_store.h5py_module()
    try:
        handle = h5py.File(io.BytesIO(weights_bytes), "r")
    except OSError as error:
        raise ValueError(f"{source}: model.weights.h5 is not a valid HDF5 file ({error})") from None
    with handle:
        updates = h5_store.plan_load(handle, model, source, include_optimizer=compile)
    h5_store.apply(updates)
    if asset_bytes:
        from . import assets
        assets.restore(model, asset_bytes.__getitem__, sorted(asset_bytes), source)
    return model


def _decrypt_if_protected(filepath, source, key, verify_key):
    """An encrypted file becomes an in-memory BytesIO of its zip (plaintext never touches disk)."""
    from .protect import MAGIC
    if isinstance(filepath, (str, os.PathLike)):
        with open(filepath, "rb") as handle:
            protected = handle.read(len(MAGIC)) == MAGIC
            data = (MAGIC + handle.read()) if protected else None
    else:
        start = filepath.tell()
        protected = filepath.read(len(MAGIC)) == MAGIC
        data = (MAGIC + filepath.read()) if protected else None
        if not protected:
            filepath.seek(start)
    if not protected:
        if key is not None or verify_key is not None:
            raise ValueError(f"{source} is not encrypted, but a key or verify_key was given; refusing to load "
                             "an unprotected file in its place")
        return filepath
    from . import protect
    return io.BytesIO(protect.decrypt(data, key=key, verify_key=verify_key, source=source))


def _read_member(archive, name, source, limit):
    info = archive.getinfo(name)
    if limit is not None and info.file_size > limit:
        raise ValueError(f"{source}: '{name}' is {info.file_size} bytes, more than a model file holds")
    if info.file_size > _BOMB_FLOOR and info.file_size > _MAX_EXPANSION * max(info.compress_size, 1):
        raise ValueError(f"{source}: '{name}' declares {info.file_size} bytes from {info.compress_size} stored; "
                         "refusing to decompress it")
    try:
        return archive.read(name)
    except _archive_errors() as error:
        raise ValueError(f"{source}: could not read '{name}' from the archive ({error})") from None


def _archive_errors():
    """What reading a damaged zip member raises: zipfile's own errors, a broken deflate,
    bzip2 or lzma stream, an unknown compression method or an encrypted member. (Evaluated
    when an error is being matched, so lzma is in the list whenever zipfile has used it.)"""
    import zipfile
    import zlib
    errors = [zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError]
    lzma = sys.modules.get("lzma")
    if lzma is not None:
        errors.append(lzma.LZMAError)
    return tuple(errors)


def _compile_from_config(model, compile_config, custom_objects, source):
    """Compiles with the saved optimizer, loss and metrics, then builds the optimizer's
    slots for the model's variables so the saved state can be restored into them."""
    from .serialization import deserialize_compile_config
    try:
        arguments = deserialize_compile_config(compile_config, custom_objects)
    except (ValueError, TypeError, KeyError) as error:
        warnings.warn(f"{source}: the model could not be compiled from its saved compile_config ({error}); "
                      "it is returned uncompiled. Call `model.compile()` yourself.", stacklevel=3)
        return
    model.compile(**arguments)
    if model.built and model.optimizer is not None:
        model.optimizer.build(model.trainable_variables)

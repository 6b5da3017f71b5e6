"""Encrypted and signed `.keras` files (issue 16 §3): round trips and every refusal.

The decrypted bytes are compared with swiftdl's own plaintext `.keras` output of the same
model; and a committed encrypted, signed fixture decrypts to exactly the bytes that real
Keras 3.15.1 loaded and predicted with (make_protected_fixture.py).
"""
import base64
import hashlib
import io
import os
import zipfile

import numpy as np
import pytest

pytest.importorskip("cryptography")
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from swiftdl import keras  # noqa: E402
from swiftdl.keras.saving import protect  # noqa: E402

KEY = bytes(range(32))
X = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)


def _model():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)])
    return model


def _saved(tmp_path, **kwargs):
    model = _model()
    path = str(tmp_path / "m.keras")
    model.save(path, **kwargs)
    return model, path


def test_encrypted_round_trip_predicts_the_same(tmp_path):
    signer = Ed25519PrivateKey.generate()
    model, path = _saved(tmp_path, encryption_key=KEY, signing_key=signer)
    data = open(path, "rb").read()
    assert data.startswith(protect.MAGIC) and b"kernel" not in data
    loaded = keras.models.load_model(path, key=KEY, verify_key=signer.public_key())
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6, atol=1e-6)
    loaded = keras.saving.load_model(path, key=KEY)  # signature present but not asked for
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6, atol=1e-6)


def test_decrypted_bytes_are_a_keras_zip_like_the_plaintext_save(tmp_path):
    model, path = _saved(tmp_path, encryption_key=KEY)
    plain = protect.decrypt(open(path, "rb").read(), key=KEY)
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
    reference = io.BytesIO()
    model.save(reference)
    with zipfile.ZipFile(io.BytesIO(plain)) as a, zipfile.ZipFile(reference) as b:
        assert a.read("config.json") == b.read("config.json")
        assert a.read("model.weights.h5") == b.read("model.weights.h5")


def test_committed_encrypted_file_decrypts_to_the_bytes_real_keras_loaded():
    fixtures = os.path.join(os.path.dirname(__file__), "fixtures", "keras")
    path = os.path.join(fixtures, "swiftdl_protected_cnn.keras")
    arrays = np.load(os.path.join(fixtures, "swiftdl_protected_cnn.npz"))
    with open(os.path.join(fixtures, "swiftdl_protected_cnn.pub"), "rb") as handle:
        public = handle.read()
    test_key = bytes(range(100, 132))  # the fixture's published test key
    with open(path, "rb") as handle:
        plain = protect.decrypt(handle.read(), key=test_key, verify_key=public)
    assert hashlib.sha256(plain).digest() == arrays["plaintext_sha256"].tobytes()
    model = keras.models.load_model(path, key=test_key, verify_key=public)
    np.testing.assert_allclose(model.predict(arrays["x"], verbose=0), arrays["keras_y"], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="verify_key"):
        keras.models.load_model(path, key=test_key, verify_key=Ed25519PrivateKey.generate().public_key())


def test_fresh_nonce_per_save(tmp_path):
    model = _model()
    first, second = io.BytesIO(), io.BytesIO()
    model.save(first, encryption_key=KEY)
    model.save(second, encryption_key=KEY)
    assert first.getvalue() != second.getvalue()


def test_passphrase_round_trip_and_wrong_passphrase(tmp_path):
    model, path = _saved(tmp_path, encryption_key=protect.Passphrase("correct horse battery"))
    loaded = keras.models.load_model(path, key=protect.Passphrase("correct horse battery"))
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="wrong key"):
        keras.models.load_model(path, key=protect.Passphrase("wrong horse battery"))


def test_key_from_environment(tmp_path, monkeypatch):
    _, path = _saved(tmp_path, encryption_key=KEY)
    monkeypatch.setenv(protect.ENV_KEY, base64.b64encode(KEY).decode())
    assert keras.models.load_model(path) is not None
    monkeypatch.setenv(protect.ENV_KEY, "not base64!")
    with pytest.raises(ValueError, match="base64"):
        keras.models.load_model(path)


def test_key_file_must_be_owner_only(tmp_path):
    _, path = _saved(tmp_path, encryption_key=KEY)
    key_file = tmp_path / "model.key"
    key_file.write_bytes(base64.b64encode(KEY))
    os.chmod(key_file, 0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        protect.key_from_file(key_file)
    os.chmod(key_file, 0o600)
    assert keras.models.load_model(path, key=protect.key_from_file(key_file)) is not None


def test_wrong_key_and_missing_key(tmp_path, monkeypatch):
    monkeypatch.delenv(protect.ENV_KEY, raising=False)
    _, path = _saved(tmp_path, encryption_key=KEY)
    with pytest.raises(ValueError, match="wrong key"):
        keras.models.load_model(path, key=bytes(32))
    with pytest.raises(ValueError, match="is encrypted"):
        keras.models.load_model(path)
    with pytest.raises(ValueError, match="32 bytes"):
        keras.models.load_model(path, key=b"short")


def test_every_flipped_byte_and_every_truncation_is_refused(tmp_path):
    signer = Ed25519PrivateKey.generate()
    _, path = _saved(tmp_path, encryption_key=KEY, signing_key=signer)
    data = open(path, "rb").read()
    # Every byte position (header, ciphertext, tag and signature), stepping to keep it fast.
    positions = sorted(set(range(0, 200)) | set(range(200, len(data), max(1, len(data) // 300)))
                       | set(range(len(data) - 80, len(data))))
    for position in positions:
        damaged = bytearray(data)
        damaged[position] ^= 0x01
        for verify in (None, signer.public_key()):
            with pytest.raises(ValueError):
                keras.models.load_model(io.BytesIO(bytes(damaged)), key=KEY, verify_key=verify)
    for length in (0, 4, 8, 20, 100, len(data) // 2, len(data) - 65, len(data) - 64, len(data) - 1):
        with pytest.raises(ValueError):
            keras.models.load_model(io.BytesIO(data[:length]), key=KEY)


def test_signature_by_another_key_and_unsigned_file_are_refused(tmp_path):
    _, path = _saved(tmp_path, encryption_key=KEY, signing_key=Ed25519PrivateKey.generate())
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ValueError, match="signature does not match"):
        keras.models.load_model(path, key=KEY, verify_key=other)
    (tmp_path / "unsigned").mkdir()
    _, unsigned = _saved(tmp_path / "unsigned", encryption_key=KEY)
    with pytest.raises(ValueError, match="not signed"):
        keras.models.load_model(unsigned, key=KEY, verify_key=other)


def test_signature_is_checked_without_the_key(tmp_path):
    signer = Ed25519PrivateKey.generate()
    _, path = _saved(tmp_path, encryption_key=KEY, signing_key=signer)
    data = bytearray(open(path, "rb").read())
    data[-100] ^= 0x80
    # No decryption key at all: the signature failure comes first.
    with pytest.raises(ValueError, match="signature does not match"):
        protect.decrypt(bytes(data), key=None, verify_key=signer.public_key())


def test_plaintext_file_given_a_key_is_refused(tmp_path):
    _, path = _saved(tmp_path)
    with pytest.raises(ValueError, match="not encrypted"):
        keras.models.load_model(path, key=KEY)
    with pytest.raises(ValueError, match="signing_key"):
        _model().save(str(tmp_path / "x.keras"), signing_key=Ed25519PrivateKey.generate())
    with pytest.raises(TypeError, match="32 bytes or a Passphrase"):
        _model().save(str(tmp_path / "x.keras"), encryption_key="a string")


def test_no_plaintext_file_is_written_during_a_load(tmp_path, monkeypatch):
    _, path = _saved(tmp_path, encryption_key=KEY)
    import tempfile
    created = []
    for name in ("NamedTemporaryFile", "TemporaryFile", "mkstemp", "SpooledTemporaryFile", "mkdtemp"):
        original = getattr(tempfile, name)
        monkeypatch.setattr(tempfile, name, lambda *a, _o=original, _n=name, **k: created.append(_n) or _o(*a, **k))
    real_open = open
    written = []

    def watching_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            written.append(file)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watching_open)
    before = set(os.listdir(tmp_path))
    temp_before = set(os.listdir(tempfile.gettempdir()))
    keras.models.load_model(path, key=KEY)
    assert created == [] and written == []
    assert set(os.listdir(tmp_path)) == before
    assert not any(name.endswith((".keras", ".h5", ".zip")) for name in set(os.listdir(tempfile.gettempdir())) - temp_before)

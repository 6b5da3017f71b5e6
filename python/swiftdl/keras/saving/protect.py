"""Encrypted and signed `.keras` files (AES-256-GCM, optional Ed25519 signature).

File layout: `MAGIC | u32 header length | header JSON | ciphertext+tag | [64-byte signature]`.
The header (format version, algorithm, key id, nonce, KDF parameters, whether signed) is
authenticated as GCM associated data, so changing any byte of it fails decryption; the
signature covers header and ciphertext, so it can be checked with the public key alone.
All primitives come from the `cryptography` package (`pip install swiftdl[protect]`).

This protects model files at rest and in transit. It does not protect a model from
whoever controls the machine that loads it: the plaintext weights live in its memory.
"""
import base64
import hashlib
import json
import os
import stat
import struct

__all__ = ["ENV_KEY", "MAGIC", "Passphrase", "decrypt", "encrypt", "is_protected", "key_from_env",
           "key_from_file"]

MAGIC = b"SWDLENC\x00"
FORMAT_VERSION = 1
ENV_KEY = "SWIFTDL_MODEL_KEY"
_ALGORITHM = "AES-256-GCM"
_SIGNATURE = "Ed25519"
_SIGNATURE_BYTES = 64
_MAX_HEADER = 4096
# Argon2id (RFC 9106 second recommended option); bounds on loading stop a crafted header
# from asking for gigabytes of memory or hours of work.
_ARGON = {"iterations": 3, "lanes": 4, "memory_cost": 64 * 1024}
_ARGON_LIMITS = {"iterations": 64, "lanes": 64, "memory_cost": 1024 * 1024}


class Passphrase:
    """A passphrase to stretch into a 256-bit key with Argon2id (salt stored in the header).

    Args:
        passphrase: the secret text (str or bytes), at least 8 characters.
    """

    def __init__(self, passphrase: "str | bytes"):
        if isinstance(passphrase, str):
            passphrase = passphrase.encode("utf-8")
        if not isinstance(passphrase, bytes) or len(passphrase) < 8:
            raise ValueError("A Passphrase must be str or bytes of at least 8 characters")
        self._secret = passphrase

    def derive(self, salt: bytes, params: dict) -> bytes:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
        return Argon2id(salt=salt, length=32, iterations=params["iterations"], lanes=params["lanes"],
                        memory_cost=params["memory_cost"]).derive(self._secret)

    def __repr__(self):
        return "Passphrase(***)"


def _crypto():
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        raise ImportError("Encrypted model files need the `cryptography` package: "
                          "pip install 'swiftdl[protect]'") from None
    return AESGCM


def key_from_env(name: str = ENV_KEY) -> bytes:
    """Reads a 32-byte key, base64-encoded, from the environment variable `name`."""
    value = os.environ.get(name)
    if not value:
        raise ValueError(f"The environment variable {name} is not set")
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except ValueError:
        raise ValueError(f"{name} must hold a base64-encoded 32-byte key") from None
    return _check_key(key, name)


def key_from_file(path: "str | os.PathLike") -> bytes:
    """Reads a key file (32 raw bytes or their base64), refused unless only its owner can read it."""
    path = os.fspath(path)
    mode = os.stat(path).st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PermissionError(f"Key file {path} is accessible to group or others (mode {oct(mode & 0o777)}); "
                              "run `chmod 600` on it")
    with open(path, "rb") as handle:
        data = handle.read(4096)
    if len(data) != 32:
        try:
            data = base64.b64decode(data.strip(), validate=True)
        except ValueError:
            raise ValueError(f"Key file {path} holds neither 32 raw bytes nor base64 of them") from None
    return _check_key(data, path)


def _check_key(key, where="key"):
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"An encryption key must be 32 bytes or a Passphrase; received {type(key).__name__}")
    if len(key) != 32:
        raise ValueError(f"An AES-256 key is 32 bytes; {where} has {len(key)}")
    return bytes(key)


def _key_id(key: bytes) -> str:
    # A hash prefix lets a wrong key be named without revealing anything useful about it.
    return hashlib.sha256(b"swiftdl-key-id" + key).hexdigest()[:16]


def _private_key(signing_key):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    if isinstance(signing_key, Ed25519PrivateKey):
        return signing_key
    if isinstance(signing_key, (bytes, bytearray)) and len(signing_key) == 32:
        return Ed25519PrivateKey.from_private_bytes(bytes(signing_key))
    raise TypeError("signing_key must be an Ed25519PrivateKey or its 32 raw bytes; "
                    f"received {type(signing_key).__name__}")


def _public_key(verify_key):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    if isinstance(verify_key, Ed25519PublicKey):
        return verify_key
    if isinstance(verify_key, (bytes, bytearray)):
        if len(verify_key) == 32:
            return Ed25519PublicKey.from_public_bytes(bytes(verify_key))
        key = serialization.load_pem_public_key(bytes(verify_key))
        if isinstance(key, Ed25519PublicKey):
            return key
    raise TypeError("verify_key must be an Ed25519PublicKey, its 32 raw bytes or a PEM; "
                    f"received {type(verify_key).__name__}")


def is_protected(data: bytes) -> bool:
    """Whether `data` starts like a swiftdl encrypted model file."""
    return data[:len(MAGIC)] == MAGIC


def encrypt(plaintext: bytes, key, signing_key=None) -> bytes:
    """Encrypts `.keras` zip bytes with a fresh nonce (and signs them if `signing_key` is given)."""
    AESGCM = _crypto()
    header = {"format_version": FORMAT_VERSION, "algorithm": _ALGORITHM}
    nonce = os.urandom(12)
    if isinstance(key, Passphrase):
        salt = os.urandom(16)
        header["kdf"] = {"name": "Argon2id", "salt": base64.b64encode(salt).decode(), **_ARGON}
        key = key.derive(salt, _ARGON)
    key = _check_key(key)
    header["key_id"] = _key_id(key)
    header["nonce"] = base64.b64encode(nonce).decode()
    header["signature"] = _SIGNATURE if signing_key is not None else None
    signer = _private_key(signing_key) if signing_key is not None else None
    if signer is not None:
        # The signer's public key, authenticated with the header, lets a load without a
        # verify_key still check the signature bytes, so a flipped byte anywhere is refused.
        from cryptography.hazmat.primitives import serialization
        raw = signer.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        header["public_key"] = base64.b64encode(raw).decode()
    header_bytes = json.dumps(header, sort_keys=True).encode()
    prefix = MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes
    body = prefix + AESGCM(key).encrypt(nonce, plaintext, prefix)
    return body + signer.sign(body) if signer is not None else body


def _parse(data: bytes, source: str):
    if not is_protected(data) or len(data) < len(MAGIC) + 4:
        raise ValueError(f"{source} is not a swiftdl encrypted model file")
    (length,) = struct.unpack(">I", data[len(MAGIC):len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if length > _MAX_HEADER or start + length > len(data):
        raise ValueError(f"{source}: the encrypted file's header is damaged or truncated")
    try:
        header = json.loads(data[start:start + length].decode("utf-8"))
        nonce = base64.b64decode(header["nonce"], validate=True)
        if (header["format_version"] != FORMAT_VERSION or header["algorithm"] != _ALGORITHM
                or len(nonce) != 12 or header.get("signature") not in (None, _SIGNATURE)):
            raise ValueError("unsupported format")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise ValueError(f"{source}: the encrypted file's header is damaged or of an unsupported version "
                         f"({error})") from None
    return header, nonce, start + length


def decrypt(data: bytes, key=None, verify_key=None, source: str = "the file") -> bytes:
    """Checks the signature (if `verify_key`), then decrypts in memory and returns the zip bytes.

    `key` is 32 bytes or a Passphrase; None reads the `SWIFTDL_MODEL_KEY` environment variable.

    Without `verify_key`, a signed file's signature is still checked against the public
    key in its header: that catches damage, not a forger (only `verify_key` proves who signed).

    Raises:
        ValueError: for a wrong key, any changed or missing byte, an unsigned file when
            `verify_key` is given, or a signature by another key.
    """
    AESGCM = _crypto()
    from cryptography.exceptions import InvalidSignature, InvalidTag
    header, nonce, body_start = _parse(data, source)
    signed = header.get("signature") is not None
    body = data[:-_SIGNATURE_BYTES] if signed else data
    if signed and len(body) < body_start + 16:
        raise ValueError(f"{source}: the encrypted file is truncated")
    if verify_key is None and signed:
        try:
            verify_key = base64.b64decode(header["public_key"], validate=True)
        except (KeyError, ValueError, TypeError):
            raise ValueError(f"{source}: the header's public key is damaged") from None
    if verify_key is not None:
        if not signed:
            raise ValueError(f"{source} is not signed, but a verify_key was given; refusing to load it")
        try:
            _public_key(verify_key).verify(data[-_SIGNATURE_BYTES:], body)
        except InvalidSignature:
            raise ValueError(f"{source}: the signature does not match the verify_key (the file was changed "
                             "or signed by another key); refusing to load it") from None
    if key is None:
        if not os.environ.get(ENV_KEY):
            raise ValueError(f"{source} is encrypted: pass key=... (32 bytes or a Passphrase) or set {ENV_KEY}")
        key = key_from_env()
    if isinstance(key, Passphrase):
        kdf = header.get("kdf")
        if not isinstance(kdf, dict) or kdf.get("name") != "Argon2id":
            raise ValueError(f"{source} was not encrypted with a passphrase; pass its 32-byte key")
        try:
            params = {name: int(kdf[name]) for name in _ARGON_LIMITS}
            salt = base64.b64decode(kdf["salt"], validate=True)
        except (KeyError, ValueError, TypeError):
            raise ValueError(f"{source}: the header's KDF parameters are damaged") from None
        if any(not 1 <= params[name] <= _ARGON_LIMITS[name] for name in params):
            raise ValueError(f"{source}: the header's KDF parameters are out of range ({params})")
        key = key.derive(salt, params)
    key = _check_key(key)
    if header.get("key_id") != _key_id(key):
        raise ValueError(f"{source}: wrong key (the file was encrypted with key id {header.get('key_id')}, "
                         f"the given key has id {_key_id(key)})")
    try:
        return AESGCM(key).decrypt(nonce, body[body_start:], body[:body_start])
    except InvalidTag:
        raise ValueError(f"{source}: decryption failed; the file was changed, truncated or the key is "
                         "wrong. Nothing was loaded.") from None

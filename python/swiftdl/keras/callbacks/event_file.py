"""A minimal TensorBoard event-file writer: no tensorflow, no tensorboard, no protobuf.

An event file is a sequence of TFRecords:

    uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)

(little-endian), where each `data` is a serialized `tensorflow.Event` protobuf. We only
write the two kinds of events scalar logging needs, encoded by hand:

    Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
    Summary { repeated Value value = 1; }
    Value   { string tag = 1; float simple_value = 2; }
"""
import os
import socket
import struct
import time

_CRC32C_POLYNOMIAL = 0x82F63B78  # Castagnoli, bit-reflected


def _crc_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _CRC32C_POLYNOMIAL if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _crc_table()


def crc32c(data):
    """CRC-32C of `data` (bytes)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked CRC: rotate right by 15 bits and add a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(value):
    if value < 0:
        value &= (1 << 64) - 1  # int64 two's complement, as protobuf encodes negatives
    out = bytearray()
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def _length_delimited(field, payload):
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def encode_event(wall_time, step=None, file_version=None, scalars=None):
    """The serialized Event: a file-version header or a Summary of (tag, float) values."""
    out = bytearray(_varint(1 << 3 | 1) + struct.pack("<d", wall_time))
    if step is not None:
        out += _varint(2 << 3 | 0) + _varint(int(step))
    if file_version is not None:
        out += _length_delimited(3, file_version.encode("utf-8"))
    if scalars:
        summary = b"".join(
            _length_delimited(1, _length_delimited(1, tag.encode("utf-8"))
                              + _varint(2 << 3 | 5) + struct.pack("<f", float(value)))
            for tag, value in scalars)
        out += _length_delimited(5, summary)
    return bytes(out)


def encode_record(data):
    """One TFRecord around `data`."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data))


class EventFileWriter:
    """Appends scalar summaries to `events.out.tfevents.<time>.<host>` in `log_dir`."""

    def __init__(self, log_dir):
        os.makedirs(log_dir, exist_ok=True)
        now = time.time()
        name = f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}.{os.getpid()}.swiftdl.v2"
        self.path = os.path.join(log_dir, name)
        self._file = open(self.path, "wb")
        self._file.write(encode_record(encode_event(now, step=0, file_version="brain.Event:2")))
        self._file.flush()

    def add_scalars(self, scalars, step):
        """Writes one event holding every (tag, value) pair at `step`."""
        scalars = [(str(tag), float(value)) for tag, value in scalars]
        if scalars:
            self._file.write(encode_record(encode_event(time.time(), step=step, scalars=scalars)))

    def flush(self):
        if not self._file.closed:
            self._file.flush()

    def close(self):
        if not self._file.closed:
            self._file.close()

    @property
    def closed(self):
        return self._file.closed

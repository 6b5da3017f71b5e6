"""Writes python/swiftdl/_sobol_directions.py: the initial direction numbers m_1..m_s of
the first 1111 Sobol dimensions that TensorFlow's tf.math.sobol_sample uses (Joe and Kuo's
new-joe-kuo-6.21201 set), read back from TensorFlow's own points.

TensorFlow's n-th point (n >= 1) is the XOR of the direction numbers v_k for the bits of
n's Gray code, so the point n = 2^k - 1 is v_k itself; the points up to 2^s - 1 give a
dimension's s initial numbers. The primitive polynomials are not read: they are the
primitive polynomials mod 2 in order of degree and value, which swiftdl enumerates itself
(_sobol.primitive_polynomials), and the script checks that the recurrence they drive
reproduces TensorFlow's points beyond the initial ones.

Run with TensorFlow installed: /work/tf-venv/bin/python scripts/make_sobol_directions.py
"""
import base64
import pathlib
import sys

import numpy as np
import tensorflow as tf

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python" / "swiftdl"))
import _sobol as sobol  # noqa: E402  (the generator's own module, loaded without swiftdl's package)

DIMENSIONS = 1111
degrees = [0] + [s for s, _ in sobol.primitive_polynomials(DIMENSIONS - 1)]
depth = max(degrees)
points = tf.math.sobol_sample(DIMENSIONS, 2 ** (depth + 1) - 1, dtype=tf.float64).numpy()
integers = np.round(points * 2.0 ** 32).astype(np.uint64)
initial = []
for dim in range(1, DIMENSIONS):
    s = degrees[dim]
    initial.extend(int(integers[2 ** k - 2, dim]) >> (32 - k) for k in range(1, s + 1))
table = np.asarray(initial, np.uint16)
sobol.INITIAL = table
check = sobol.points(DIMENSIONS, 2 ** (depth + 1) - 1, 0, table)
assert np.array_equal(check, integers), "the recurrence does not reproduce TensorFlow's points"
encoded = base64.b64encode(table.astype("<u2").tobytes()).decode("ascii")
lines = [encoded[i:i + 116] for i in range(0, len(encoded), 116)]
body = "\n".join(f'    "{line}"' for line in lines)
(ROOT / "python" / "swiftdl" / "_sobol_directions.py").write_text(
    '"""The initial Sobol direction numbers m_1..m_s of dimensions 2..1111 (Joe and Kuo\'s\n'
    'new-joe-kuo-6.21201 set, as TensorFlow uses it), little-endian uint16 in base64, one run of\n'
    's numbers per dimension in order. Written by scripts/make_sobol_directions.py; do not edit."""\n'
    f"DIMENSIONS = {DIMENSIONS}\n"
    f"ENCODED = (\n{body}\n)\n")
print(f"wrote {len(table)} numbers for {DIMENSIONS} dimensions (degrees up to {depth})")

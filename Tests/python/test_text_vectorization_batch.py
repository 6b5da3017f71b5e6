"""TextVectorization standardizes and splits a whole batch as one string (joined by
newlines) when it can; the rows must equal the per-text tokenization, the reference, for
any text: punctuation, case, Greek final sigma, non-ASCII, tabs, empty texts, and texts that
hold a newline themselves (those take the per-text path)."""
import numpy as np
import pytest

from swiftdl.keras import layers

PIECES = ["Hello", "WORLD", "ΟΔΟΣ", "Σ", "σ", "İstanbul", "naïve", "中文", "a.b", "it's", "!!", "—", "\t", " ", "  ",
          "x\ny", "\r", "\u00a0", "\u2028", "", "w1", "W2,", "(w3)", "ß", "ǅ"]


def _random_texts(rng, count):
    return ["".join(rng.choice(PIECES, rng.integers(0, 8))) for _ in range(count)]


@pytest.mark.parametrize("standardize", ["lower_and_strip_punctuation", "lower", "strip_punctuation", None])
def test_batch_tokenization_equals_per_text(standardize):
    rng = np.random.default_rng(5)
    layer = layers.TextVectorization(standardize=standardize, vocabulary=["hello", "world", "w1"])
    for texts in (_random_texts(rng, 200), ["only ascii, here!"] * 3 + ["MORE Text."], [], [""], ["a\nb", "c"]):
        assert layer._token_rows(texts) == [layer._tokens(text) for text in texts], texts[:3]


def test_calls_on_str_bytes_and_object_batches_agree():
    rng = np.random.default_rng(6)
    texts = [t.replace("\n", " ") for t in _random_texts(rng, 64)]
    layer = layers.TextVectorization(vocabulary=["hello", "world", "w1", "w2", "w3", "οδος"], output_sequence_length=6)
    want = np.asarray(layer(np.array(texts, dtype=object)))
    np.testing.assert_array_equal(np.asarray(layer(np.array(texts))), want)
    np.testing.assert_array_equal(np.asarray(layer(np.array([t.encode("utf-8") for t in texts], dtype=object))), want)
    assert want.shape == (64, 6) and want.max() > 1  # some tokens found

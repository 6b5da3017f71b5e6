"""tf.nn-style functional ops computed in the engine."""
from ._recurrent import gru, lstm, simple_rnn

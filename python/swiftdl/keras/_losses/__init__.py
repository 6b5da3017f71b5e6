"""Keras losses beyond the everyday ones, re-exported by swiftdl.keras.losses."""

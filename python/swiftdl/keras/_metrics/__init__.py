"""The stateful metrics beyond the means and accuracies: confusion-matrix metrics
(Precision, Recall, AUC, ...), F-scores, IoU, R² and top-k accuracy, one family per file.
`swiftdl.keras.metrics` re-exports them under Keras 3's names."""

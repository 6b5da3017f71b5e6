"""The training loop behind Model: compile/fit/evaluate/predict."""

"""The training loops behind Model: compile, fit, evaluate, predict."""

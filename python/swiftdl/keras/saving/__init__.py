"""Weights files and configs."""

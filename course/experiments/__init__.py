"""Experiments: a lesson's try-this log entries.

models.py (ExperimentEntry), experiments.py (add, validate numbers, delete, read).
"""

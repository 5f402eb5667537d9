"""Reflections: models, rules and queries both audiences use."""

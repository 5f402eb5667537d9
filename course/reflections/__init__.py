"""Reflections: a leader's answer to a prompt, its saved versions and the replies to it.

models.py, reflections.py (save, autosave draft, share; the leader's own reads),
shared.py (what the cohort's leaders shared, for their facilitator; replies).
"""

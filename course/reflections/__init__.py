"""Reflections: a leader's answer to a prompt, its saved versions and the replies to it.

models.py, reflections.py (save, autosave draft; the leader's own reads), shared.py (what
the cohort's leaders shared with their facilitator or cohort, for the facilitator; replies).
The audience itself is set through course.circle.posts.set_audience.
"""

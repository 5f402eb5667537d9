"""Spaced review: after a leader's first quiz attempt on a lesson, up to two of its
questions come back at +3, +10 and +30 days.

models.py (ReviewItem, ReviewAnswer), review.py (scheduling, what is due, answer, skip),
figures.py (a cohort's retention per question, for facilitator insight), digest.py (the
"review" email section's provider).
"""

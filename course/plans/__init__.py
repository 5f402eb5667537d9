"""Plans: when a leader will try a lesson's experiment (or a set's commitment), an optional
if-then line, and the one check-in that asks how it went.

models.py (Plan), plans.py (make, move, drop, log against; due and missed check-ins),
checkins.py (the course home's card and the email section).
"""

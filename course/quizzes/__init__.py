"""Quizzes: attempts, scoring and per-question statistics.

models.py (QuizAttempt), attempts.py (grade and keep an attempt; the leader's summary),
statistics.py (a cohort's figures per question, judged by each question's type).
"""

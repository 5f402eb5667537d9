"""Progress: lesson progress, completion, course progress and the facilitator's views of it.

models.py (LessonProgress), progress.py (complete, reopen, course progress),
activity.py (last active, inactive, stuck: defined once), standing.py (the lesson page's
standing and the recorded open), matrix.py (the progress matrix), overview.py (cohort
cards), insight.py (the insight page's figures).
"""

"""Self-assessment: ratings before and after the course, and growth.

models.py, assessment.py (rules, form parsing, the leader's growth), chart.py (the
chart's geometry), cohort.py (a cohort's averages, shown only from three answers up).
"""

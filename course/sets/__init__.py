"""Action-learning sets: a cohort split into small sets, and the rounds each set runs
(a problem holder's challenge, questions only, suggestions, a commitment, a report)."""

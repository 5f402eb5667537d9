"""The first session: a welcome shown once, before the starting self-assessment."""

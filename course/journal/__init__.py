"""The journal and the case for change: a leader's own writing, gathered and searched.

journal.py (items, search, Markdown), case.py (picking items into a case document).
"""

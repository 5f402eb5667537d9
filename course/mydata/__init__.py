"""A leader's data: the download of everything held about them, and account deletion.

export.py (the zip: JSON and the journal), deletion.py (every row goes by cascade).
"""

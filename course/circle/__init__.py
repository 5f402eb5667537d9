"""The closed cohort circle: who may see a reflection or an experiment entry (its audience),
the posts peers shared with their cohort, replies, moderation and reports.

audience.py (the three audiences; the one column and its labels), models.py (CirclePost,
CircleReply, CircleReport), posts.py (set an item's audience), circle.py (the circle's
pages: scopes, posts with their replies), replies.py (reply, edit, delete, the author's
notice), moderation.py (hide, report, open reports), people.py (display names),
export.py (the data download's part), figures.py (counts for the matrix).
"""

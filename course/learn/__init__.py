"""The leader's side: course map, lessons, reflections, quizzes and progress."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from course.learn import (  # noqa: E402,F401
    assessment_views,
    journal_views,
    lesson_views,
    mydata_views,
    work_views,
)

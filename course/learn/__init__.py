"""The leader's side: course map, lessons, reflections, quizzes and progress."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from course.learn import (  # noqa: E402,F401
    actions,
    assessment,
    journal,
    mydata,
    routes,
)

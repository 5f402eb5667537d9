"""The leader's side: course map, lessons, reflections, quizzes and progress."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from course.learn import (  # noqa: E402,F401
    actions,
    assessment,
    journal,
    models,  # noqa: E402,F401  (tables known to create_all and Alembic)
    mydata,
    routes,
)

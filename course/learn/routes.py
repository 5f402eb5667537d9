"""Leader views."""

from flask import abort, current_app, render_template

from course.access import roles_required
from course.learn import bp
from course.models import Role

# Facilitators and admins may read the course too (to know what leaders see).
any_signed_in = roles_required(Role.LEADER, Role.FACILITATOR, Role.ADMIN)


def catalog():
    """The course loaded at start-up."""
    return current_app.extensions["catalog"]


@bp.get("/course")
@any_signed_in
def home():
    """The course map: modules and their lessons."""
    return render_template("learn/home.html", catalog=catalog())


@bp.get("/lessons/<lesson_id>")
@any_signed_in
def lesson(lesson_id: str):
    """One lesson: the reading, prompts, experiment and quiz."""
    found = catalog().lessons.get(lesson_id)
    if found is None:
        abort(404)
    quiz = catalog().quizzes.get(found.quiz_id) if found.quiz_id else None
    return render_template("learn/lesson.html", lesson=found, quiz=quiz, catalog=catalog())

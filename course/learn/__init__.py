"""The leader's side: course map, lessons, reflections, quizzes and progress."""

from flask import Blueprint

bp = Blueprint("learn", __name__)


@bp.context_processor
def _limits() -> dict:
    """The length limits the rules enforce, for the forms' maxlength (one source each)."""
    from course.experiments.experiments import MAX_ENTRY_LENGTH
    from course.journal.journal import MAX_QUERY_LENGTH
    from course.reflections.reflections import MAX_REFLECTION_LENGTH

    return {"limits": {"reflection": MAX_REFLECTION_LENGTH, "entry": MAX_ENTRY_LENGTH,
                       "journal_query": MAX_QUERY_LENGTH}}


from course.learn import (  # noqa: E402,F401
    assessment_views,
    circle_views,
    item_views,
    journal_views,
    lesson_views,
    mydata_views,
    plan_views,
    review_views,
    set_views,
    work_views,
)

"""The demo: a facilitator, a cohort and leaders at different stages, loaded idempotently."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from course.accounts import count_users, create_user, find_user_by_email
from course.cohorts.cohorts import create_cohort, create_invitation, invitation_url
from course.cohorts.models import Cohort, Membership
from course.extensions import db
from course.models import Role

DEMO_PASSWORD = "clearing demo walk-through"
DEMO_COHORT = "Demo cohort: county and charity leaders"
FACILITATOR = ("facilitator@demo.example.org", "Fran Okafor")
# (email, name, lessons done): just joined, part way through, nearly done.
LEADERS = [
    ("amara@demo.example.org", "Amara Hughes", 0),
    ("ben@demo.example.org", "Ben Marsh", 5),
    ("chidi@demo.example.org", "Chidi Evans", 17),
]
DEMO_REFLECTION = (
    "Demo reflection: in our organisation the people who hear residents first are the "
    "contact centre staff, and I rarely ask them what they are hearing."
)


def load_demo(only_if_empty: bool = False) -> list[str]:
    """Create what is missing of the demo and return lines describing the logins."""
    if only_if_empty and count_users() > 0 and find_user_by_email(FACILITATOR[0]) is None:
        return ["The database has accounts already; the demo was not loaded."]
    facilitator = find_user_by_email(FACILITATOR[0]) or create_user(
        *FACILITATOR, Role.FACILITATOR, DEMO_PASSWORD
    )
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    token = None
    if cohort is None:
        cohort = create_cohort(DEMO_COHORT, facilitator)
        _, token = create_invitation(cohort, facilitator)
    for email, name, lessons_done in LEADERS:
        leader = find_user_by_email(email)
        if leader is None:
            leader = create_user(email, name, Role.LEADER, DEMO_PASSWORD)
            _progress(leader, lessons_done)
        joined = db.session.scalar(
            select(Membership).where(
                Membership.user_id == leader.id, Membership.cohort_id == cohort.id
            )
        )
        if joined is None:
            db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role=Role.LEADER))
    db.session.commit()
    lines = [f"Demo logins (password for each: {DEMO_PASSWORD!r}):"]
    lines.append(f"  facilitator  {FACILITATOR[0]}")
    lines += [f"  leader       {email}  ({done} lessons done)" for email, _, done in LEADERS]
    if token:
        lines.append(f"Demo cohort invitation: {invitation_url(token)}")
    return lines


def _progress(leader, lessons_done: int) -> None:
    """Give a demo leader work on their first lessons: reflections, a quiz, completions."""
    from course.progress.progress import complete_lesson
    from course.quizzes.attempts import submit_quiz
    from course.reflections.reflections import save_reflection, set_shared
    from course.self_assessment.models import SelfAssessment

    catalog = current_app.extensions["catalog"]
    if lessons_done:
        questions = catalog.self_assessment.questions if catalog.self_assessment else ()
        levels = {question.id: 2 for question in questions}
        db.session.add(SelfAssessment(user_id=leader.id, stage="before", levels=levels))
    for number, lesson in enumerate(catalog.ordered_lessons[: lessons_done + 1]):
        reflection = save_reflection(leader.id, lesson, lesson.reflections[0].id, DEMO_REFLECTION,
                                     None)
        if number % 3 == 0:
            set_shared(reflection, True)
        quiz = catalog.quizzes.get(lesson.quiz_id) if lesson.quiz_id else None
        if quiz is not None:
            choices = ("single", "multiple", "true-false")
            first_options = {q.id: ["true"] if q.type == "true-false" else ["0"]
                             for q in quiz.questions if q.type in choices}
            if len(first_options) == len(quiz.questions):
                submit_quiz(leader.id, quiz, lesson.id, first_options, None)
        if number < lessons_done:
            complete_lesson(leader.id, lesson)

"""The demo: a facilitator, an admin, a cohort and eight leaders at different stages.

Loaded idempotently, in development only (course.cli). Leaders write, share, try quizzes
(some answers right, some wrong), log experiments with numbers and rate themselves; one
is stuck on a lesson and one has gone quiet. Their words are in course.demo_words.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from course.accounts import count_users, create_user, find_user_by_email
from course.cohorts.cohorts import create_cohort, create_invitation, invitation_url
from course.cohorts.models import Cohort, Membership
from course.demo_words import (
    EXPERIMENTS,
    LEADERS,
    PEER_REPLIES,
    REFLECTIONS,
    REPLIES,
    SET_CHALLENGE,
    SET_QUESTION,
    DemoLeader,
)
from course.extensions import db
from course.models import Role, User, utcnow

DEMO_PASSWORD = "clearing demo walk-through"
DEMO_COHORT = "Demo cohort: county and charity leaders"
FACILITATOR = ("facilitator@demo.example.org", "Fran Okafor")
ADMIN = ("admin@demo.example.org", "Ade Banjo")


def load_demo(only_if_empty: bool = False) -> list[str]:
    """Create what is missing of the demo and return lines describing the logins."""
    if only_if_empty and count_users() > 0 and find_user_by_email(FACILITATOR[0]) is None:
        return ["The database has accounts already; the demo was not loaded."]
    facilitator = find_user_by_email(FACILITATOR[0]) or create_user(
        *FACILITATOR, Role.FACILITATOR, DEMO_PASSWORD
    )
    if find_user_by_email(ADMIN[0]) is None:
        create_user(*ADMIN, Role.ADMIN, DEMO_PASSWORD)
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    token = None
    if cohort is None:
        cohort = create_cohort(DEMO_COHORT, facilitator)
        _, token = create_invitation(cohort, facilitator)
    made = []
    for number, person in enumerate(LEADERS):
        if find_user_by_email(person.email) is None:
            leader = create_user(person.email, person.name, Role.LEADER, DEMO_PASSWORD)
            db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role=Role.LEADER))
            db.session.flush()
            _leader_history(leader, person, number, facilitator)
            made.append(leader)
    _peer_replies(made)
    if made:
        _demo_set(cohort, facilitator)
    db.session.commit()
    lines = [f"Demo logins (password for each: {DEMO_PASSWORD!r}):"]
    lines.append(f"  admin        {ADMIN[0]}  (every cohort)")
    lines.append(f"  facilitator  {FACILITATOR[0]}")
    lines += [f"  leader       {p.email}  ({_stage(p)})" for p in LEADERS]
    if token:
        lines.append(f"Demo cohort invitation: {invitation_url(token)}")
    return lines


def _peer_replies(leaders: list[User]) -> None:
    """Peers answer some of what the new leaders shared with the cohort, a day later."""
    from course.circle.models import CirclePost, CircleReply
    from course.circle.replies import add_reply

    if len(leaders) < 2:
        return
    posts = db.session.scalars(select(CirclePost).where(
        CirclePost.user_id.in_([leader.id for leader in leaders])).order_by(CirclePost.id))
    for n, post in enumerate(posts):
        if n % 2:
            continue
        peer = next(leader for step, leader in enumerate(leaders * 2)
                    if step > n % len(leaders) and leader.id != post.user_id)
        reply = add_reply(post, peer, PEER_REPLIES[n % len(PEER_REPLIES)])
        db.session.execute(update(CircleReply).where(CircleReply.id == reply.id)
                           .values(created_at=post.posted_at + timedelta(days=1)))


def _demo_set(cohort: Cohort, facilitator: User) -> None:
    """The cohort in action-learning sets, with a round open in the first: the holder has
    posted a challenge and a member has asked a question."""
    from course.sets.contributions import contribute
    from course.sets.rounds import open_round
    from course.sets.sets import members_by_set, split_cohort, suggest_holder

    made = split_cohort(facilitator, cohort)
    if not made:
        return
    first = made[0]
    members = [member.id for member in members_by_set([first.id])[first.id]]
    running = open_round(first, suggest_holder(first.id, members), facilitator)
    holder = db.session.get(User, running.holder_id)
    contribute(running, holder, "challenge", SET_CHALLENGE)
    asker = db.session.get(User, next(m for m in members if m != holder.id))
    contribute(running, asker, "question", SET_QUESTION)


def _stage(person: DemoLeader) -> str:
    words = f"{person.done} lesson{'' if person.done == 1 else 's'} done"
    if person.stuck:
        words += ", stuck on the next"
    if person.quiet_days > 14:
        words += f", inactive for {person.quiet_days} days"
    return words


def _leader_history(leader: User, person: DemoLeader, number: int, facilitator: User) -> None:
    """A leader's course so far: lessons, reflections, quizzes, experiments, ratings."""
    from course.progress.progress import complete_lesson
    from course.self_assessment.assessment import save_assessment, scale_questions

    catalog = current_app.extensions["catalog"]
    now = utcnow()
    joined = now - timedelta(days=person.joined_days)
    db.session.execute(update(Membership).where(Membership.user_id == leader.id)
                       .values(joined_at=joined))
    leader.created_at = joined
    questions = scale_questions(catalog)
    total = len(catalog.ordered_lessons)
    # Those active lately have the next lesson open; a stuck leader opened it long ago.
    in_progress = person.stuck or (0 < person.done < total and person.quiet_days < 7)
    lessons = catalog.ordered_lessons[: person.done + (1 if in_progress else 0)]
    if lessons:
        leader.welcome_seen_at = joined
        save_assessment(leader.id, "before", {q.id: 2 + (number + i) % 2
                                              for i, q in enumerate(questions)})
    for position, lesson in enumerate(lessons):
        # The latest lesson was touched quiet_days ago; earlier ones a day or two apart.
        days = person.quiet_days + 2 * (len(lessons) - 1 - position)
        _lesson_work(leader, lesson, position, number, facilitator)
        if position < person.done:
            complete_lesson(leader.id, lesson)
        started = now - timedelta(days=days + (2 if person.stuck else 1))
        _age(leader.id, lesson.id, started, now - timedelta(days=days))
    if lessons:
        _review_latest(leader, lessons[-1])
    if lessons and person.quiet_days < 7:
        _plan_next_try(leader, lessons, number)
    _age_assessment(leader.id, "before", joined + timedelta(hours=2))
    if person.done >= total:
        save_assessment(leader.id, "after", {q.id: 4 for q in questions})
        _age_assessment(leader.id, "after", now - timedelta(days=person.quiet_days))


def _lesson_work(leader: User, lesson, position: int, number: int, facilitator: User) -> None:
    """Reflections on each prompt (some shared, some answered), a quiz, an experiment."""
    from course.circle.audience import COHORT, FACILITATOR
    from course.circle.posts import set_audience
    from course.experiments.experiments import add_entry
    from course.quizzes.attempts import submit_quiz
    from course.reflections.reflections import save_reflection
    from course.reflections.shared import add_reply

    words = REFLECTIONS[position % len(REFLECTIONS)]
    for turn, prompt in enumerate(lesson.reflections[: 1 + (number + position) % 2]):
        text = words[(number + turn) % len(words)]
        reflection = save_reflection(leader.id, lesson, prompt.id, text, None)
        if (number + position + turn) % 3 == 0:
            set_audience(reflection, COHORT if number % 2 else FACILITATOR)
            if (number + position) % 2 == 0:
                add_reply(reflection.id, facilitator, REPLIES[(number + position) % len(REPLIES)])
    quiz = current_app.extensions["catalog"].quizzes.get(lesson.quiz_id or "")
    if quiz is not None:
        answers = {q.id: _answer(q, right=(number + position + i) % 3 != 0)
                   for i, q in enumerate(quiz.questions)}
        submit_quiz(leader.id, quiz, lesson.id, answers, None)
    measures = lesson.try_this.measures if lesson.try_this else ()
    if measures and (number + position) % 2 == 0:
        entry = add_entry(leader.id, lesson, utcnow().date(),
                          EXPERIMENTS[number % len(EXPERIMENTS)],
                          {m: float(3 + (number * 7 + i * 5 + position) % 17)
                           for i, m in enumerate(measures)}, None)
        if (number + position) % 4 == 0:
            set_audience(entry, COHORT)


PLAN_LINES = (
    "If it is Monday's senior team meeting, then I will ask one person what they read "
    "online this week.",
    None,
    "If the newsletter draft lands in my inbox, then I will check it against our three "
    "audiences before I reply.",
)


def _plan_next_try(leader: User, lessons, number: int) -> None:
    """An active leader's plan for their latest try-this: due yesterday, today or later, so the
    course home shows check-ins due and coming up."""
    from course.plans.plans import create_plan, today_for

    lesson = next((found for found in reversed(lessons) if found.try_this), None)
    if lesson is None:
        return
    today = today_for(leader)
    due_on = today + timedelta(days=number % 4 - 1)
    create_plan(leader.id, lesson_id=lesson.id, what=lesson.try_this.title, due_on=due_on,
                if_then=PLAN_LINES[number % len(PLAN_LINES)], today=min(today, due_on))


def _review_latest(leader: User, lesson) -> None:
    """Spaced review of the latest lesson's quiz, counted from its (aged) first attempt: a
    leader whose last quiz was three or more days ago has its questions waiting."""
    import random

    from course.quizzes.models import QuizAttempt
    from course.review.review import schedule_reviews

    quiz = current_app.extensions["catalog"].quizzes.get(lesson.quiz_id or "")
    first = db.session.scalar(
        select(QuizAttempt).where(QuizAttempt.user_id == leader.id,
                                  QuizAttempt.lesson_id == lesson.id)
        .order_by(QuizAttempt.id).limit(1).execution_options(populate_existing=True))
    if quiz is not None and first is not None:
        schedule_reviews(leader, quiz, lesson.id, first, rng=random.Random(leader.id))


def _answer(question, right: bool) -> list[str]:
    """A right (or a wrong) response to a choice, true-false or scale question."""
    if question.type == "true-false":
        return [str(question.answer == right).lower()]
    if question.type in ("single", "multiple"):
        options = list(enumerate(question.options))
        chosen = [str(i) for i, option in options if option.correct == right]
        return chosen[:1] if not right or question.type == "single" else chosen
    return [str(getattr(question, "minimum", 1) + 2)]


def _age(user_id: int, lesson_id: str, started, touched) -> None:
    """Move a lesson's rows into the past, so the demo has a history."""
    from course.circle.models import CirclePost
    from course.experiments.models import ExperimentEntry
    from course.progress.models import LessonProgress
    from course.quizzes.models import QuizAttempt
    from course.reflections.models import Reflection, ReflectionReply, ReflectionVersion

    db.session.flush()
    mine = (LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
    db.session.execute(update(LessonProgress).where(*mine).values(started_at=started,
                                                                  updated_at=touched))
    db.session.execute(update(LessonProgress).where(*mine, LessonProgress.completed_at.is_not(
        None)).values(completed_at=touched))
    db.session.execute(update(Reflection).where(
        Reflection.user_id == user_id, Reflection.lesson_id == lesson_id).values(
        created_at=started, updated_at=touched, saved_at=touched))
    db.session.execute(update(Reflection).where(
        Reflection.user_id == user_id, Reflection.lesson_id == lesson_id,
        Reflection.shared_at.is_not(None)).values(shared_at=touched))
    theirs = select(Reflection.id).where(Reflection.user_id == user_id,
                                         Reflection.lesson_id == lesson_id)
    for model in (ReflectionVersion, ReflectionReply):
        db.session.execute(update(model).where(model.reflection_id.in_(theirs))
                           .values(created_at=touched))
    db.session.execute(update(CirclePost).where(CirclePost.reflection_id.in_(theirs))
                       .values(posted_at=touched, created_at=touched))
    for model in (QuizAttempt, ExperimentEntry):
        db.session.execute(update(model).where(model.user_id == user_id,
                                               model.lesson_id == lesson_id)
                           .values(created_at=touched))
    db.session.execute(update(ExperimentEntry).where(
        ExperimentEntry.user_id == user_id, ExperimentEntry.lesson_id == lesson_id)
        .values(done_on=touched.date()))
    db.session.execute(update(ExperimentEntry).where(
        ExperimentEntry.user_id == user_id, ExperimentEntry.lesson_id == lesson_id,
        ExperimentEntry.shared_at.is_not(None)).values(shared_at=touched))
    entries = select(ExperimentEntry.id).where(ExperimentEntry.user_id == user_id,
                                               ExperimentEntry.lesson_id == lesson_id)
    db.session.execute(update(CirclePost).where(CirclePost.entry_id.in_(entries))
                       .values(posted_at=touched, created_at=touched))


def _age_assessment(user_id: int, stage: str, moment) -> None:
    from course.self_assessment.models import SelfAssessment

    db.session.flush()
    db.session.execute(update(SelfAssessment).where(SelfAssessment.user_id == user_id,
                                                    SelfAssessment.stage == stage)
                       .values(created_at=moment, updated_at=moment))

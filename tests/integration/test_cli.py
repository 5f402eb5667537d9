"""The command line of the contract."""

from sqlalchemy import func, select

from course.cohorts.models import Cohort, Invitation, Membership
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.models import Role, User, utcnow
from course.quizzes.models import QuizAttempt
from course.reflections.models import Reflection, ReflectionReply
from tests.factories import PASSWORD, Auth


def test_users_add(runner):
    result = runner.invoke(args=["users", "add", "--email", "Fac@Example.org", "--name", "Fa Cil",
                                 "--role", "facilitator", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "fac@example.org" and user.role == Role.FACILITATOR


def test_users_add_prompts_for_password(runner):
    result = runner.invoke(args=["users", "add", "--email", "a@example.org", "--name", "A",
                                 "--role", "admin"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User)).role == Role.ADMIN


def test_users_add_errors(runner, make_leader):
    make_leader(email="dup@example.org")
    cases = [
        (["--email", "dup@example.org", "--name", "X", "--role", "leader", "--password", PASSWORD],
         "already exists"),
        (["--email", "bad", "--name", "X", "--role", "leader", "--password", PASSWORD],
         "not valid"),
        (["--email", "x@example.org", "--name", "X", "--role", "leader", "--password", "short"],
         "at least 12"),
        (["--email", "x@example.org", "--name", "X", "--role", "boss", "--password", PASSWORD],
         "Invalid value for '--role'"),
        (["--name", "X", "--role", "leader"], "Missing option '--email'"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "add", *args])
        assert result.exit_code != 0
        assert message in result.output, result.output


def test_cohorts_add_prints_invitation_last(runner, make_facilitator):
    facilitator = make_facilitator()
    result = runner.invoke(args=["cohorts", "add", "--name", "Spring 2027",
                                 "--facilitator", facilitator.email.upper()])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("http://localhost/invite/")
    cohort = db.session.scalar(select(Cohort))
    assert cohort.name == "Spring 2027"
    assert db.session.scalar(select(Invitation)).cohort_id == cohort.id
    member = db.session.scalar(select(Membership))
    assert member.user_id == facilitator.id and member.role == Role.FACILITATOR


def test_cohorts_add_errors(runner, make_leader):
    leader = make_leader()
    result = runner.invoke(args=["cohorts", "add", "--name", "X", "--facilitator", "no@x.org"])
    assert result.exit_code != 0 and "No account" in result.output
    result = runner.invoke(args=["cohorts", "add", "--name", "X", "--facilitator", leader.email])
    assert result.exit_code != 0 and "not a facilitator" in result.output


def test_invitation_from_cli_registers_a_leader(app, runner, make_facilitator):
    facilitator = make_facilitator()
    result = runner.invoke(
        args=["cohorts", "add", "--name", "C", "--facilitator", facilitator.email]
    )
    path = result.output.strip().splitlines()[-1].replace("http://localhost", "")
    client = app.test_client()
    response = client.post(path, data={"name": "L", "email": "l@example.org",
                                       "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302


def test_demo_is_idempotent(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "facilitator@demo.example.org" in first.output
    assert "admin@demo.example.org" in first.output
    users = db.session.scalars(select(User)).all()
    rows = {model: db.session.scalar(select(func.count()).select_from(model))
            for model in (Reflection, QuizAttempt, ExperimentEntry, ReflectionReply)}
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert len(db.session.scalars(select(User)).all()) == len(users) == 10
    assert len(db.session.scalars(select(Cohort)).all()) == 1
    assert rows == {model: db.session.scalar(select(func.count()).select_from(model))
                    for model in rows}


def test_demo_if_empty_leaves_real_data_alone(runner, make_leader):
    make_leader()
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
    assert len(db.session.scalars(select(User)).all()) == 1


def test_backup_sqlite(app, runner, make_leader, tmp_path):
    import sqlite3

    from tests.conftest import PG_URL

    make_leader()
    target = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    if PG_URL:
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output


def test_bad_content_stops_start_up_with_file_and_line(tmp_path):
    import os
    import subprocess
    import sys

    module = tmp_path / "lessons" / "01-m"
    module.mkdir(parents=True)
    (module / "module.yml").write_text("id: m\ntitle: M\norder: 1\nsummary: s\n")
    (module / "01-a.md").write_text("---\nid: a\ntitle: A\nkind: smog\n---\nbody\n")
    env = {**os.environ, "COURSE_CONTENT_DIR": str(tmp_path),
           "COURSE_INSTANCE_PATH": str(tmp_path / "instance")}
    started = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True,
                             text=True, timeout=60)
    assert started.returncode == 1
    assert "Clearing cannot start" in started.stderr
    assert "lessons/01-m/01-a.md:4: unknown kind 'smog'" in started.stderr
    assert "Traceback" not in started.stderr
    checked = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "content", "check"],
                             env=env, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 1
    assert "lessons/01-m/01-a.md:4: unknown kind 'smog'" in checked.stdout


def test_demo_leaders_are_at_different_stages(app, runner):
    from course.progress.models import LessonProgress

    runner.invoke(args=["demo"])
    done = {}
    for user in db.session.scalars(select(User).where(User.role == Role.LEADER)):
        done[user.email.split("@")[0]] = len([
            row for row in db.session.scalars(
                select(LessonProgress).where(LessonProgress.user_id == user.id))
            if row.completed_at
        ])
    total = len(app.extensions["catalog"].ordered_lessons)
    assert done == {"amara": 0, "ben": 5, "chidi": total, "dana": 2, "eli": 1, "farah": 9,
                    "gareth": 12, "hana": 3}


def test_demo_has_a_stuck_and_an_inactive_leader(app, runner):
    from course.progress.activity import is_inactive, last_active_by_leader, stuck_before
    from course.progress.models import LessonProgress

    runner.invoke(args=["demo"])
    now = utcnow()
    leaders = select(User.id).where(User.role == Role.LEADER)
    last = last_active_by_leader(leaders)
    joined = dict(db.session.execute(select(Membership.user_id, Membership.joined_at)).all())
    emails = dict(db.session.execute(select(User.id, User.email)).all())
    inactive = {emails[i] for i in joined if emails[i] != "facilitator@demo.example.org"
                and is_inactive(last.get(i), joined[i], now)}
    stuck = {emails[row.user_id] for row in db.session.scalars(select(LessonProgress).where(
        LessonProgress.completed_at.is_(None), LessonProgress.started_at < stuck_before(now)))}
    assert inactive == {"eli@demo.example.org"}
    assert stuck == {"dana@demo.example.org"}


def test_demo_leaders_leave_a_varied_trail(app, runner):
    from course.self_assessment.models import SelfAssessment

    runner.invoke(args=["demo"])
    texts = db.session.scalars(select(Reflection.text)).all()
    assert len(texts) >= 40 and len(set(texts)) >= 30
    assert min(map(len, texts)) < 60 < 200 < max(map(len, texts))
    assert not any("lorem" in text.lower() for text in texts)
    shared = db.session.scalars(select(Reflection).where(Reflection.audience != "private")).all()
    assert 5 <= len(shared) < len(texts)
    assert db.session.scalar(select(func.count()).select_from(ReflectionReply)) >= 3
    verdicts = [answer["correct"] for attempt in db.session.scalars(select(QuizAttempt))
                for answer in attempt.answers.values() if answer["correct"] is not None]
    right = sum(verdicts) / len(verdicts)
    assert 0.4 < right < 0.9, right
    assert all(answer["version"] for attempt in db.session.scalars(select(QuizAttempt))
               for answer in attempt.answers.values())
    entries = db.session.scalars(select(ExperimentEntry)).all()
    assert entries and all(entry.measures for entry in entries)
    chidi = db.session.scalar(select(User).where(User.email == "chidi@demo.example.org"))
    stages = set(db.session.scalars(select(SelfAssessment.stage).where(
        SelfAssessment.user_id == chidi.id)))
    assert stages == {"before", "after"}


def test_demo_facilitator_and_admin_sign_in(app, runner):
    from course.demo import DEMO_PASSWORD

    runner.invoke(args=["demo"])
    for email in ("facilitator@demo.example.org", "admin@demo.example.org"):
        client = app.test_client()
        signed_in = Auth(client).login(email, DEMO_PASSWORD)
        assert signed_in.status_code == 302, email
        assert client.get("/facilitate/").status_code == 200, email


def test_demo_cohort_meets_in_action_learning_sets(app, runner):
    from course.sets.models import LearningSet, Round, RoundContribution, SetMember

    assert runner.invoke(args=["demo"]).exit_code == 0
    sizes = dict(db.session.execute(select(SetMember.set_id, func.count(SetMember.id))
                                    .group_by(SetMember.set_id)).all())
    assert len(sizes) == db.session.scalar(select(func.count(LearningSet.id))) >= 2
    assert all(3 <= size <= 6 for size in sizes.values())
    running = db.session.scalar(select(Round))
    kinds = sorted(db.session.scalars(select(RoundContribution.kind).where(
        RoundContribution.round_id == running.id)))
    assert kinds == ["challenge", "question"] and running.closed_at is None
    runner.invoke(args=["demo"])  # loading again adds no second round
    assert db.session.scalar(select(func.count(Round.id))) == 1
